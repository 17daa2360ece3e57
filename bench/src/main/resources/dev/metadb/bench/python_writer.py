# One non-JVM benchmark writer (InboxWritersBench), following BenchWriter's protocol: open, create
# GO.ready-K, wait for GO, make COUNT writes timing each, write a WriterReport JSON to REPORT.
#   python3 python_writer.py inbox|sqlite HOME COUNT K REPORT GO FUNCTIONS_FILE
# inbox:  each write is docs/inbox.md's metadb_event() (read from FUNCTIONS_FILE), unchanged.
# sqlite: the seed's topology in Python: one connection (busy timeout 10 s), each INSERT its own
#         transaction (autocommit) into the shared WAL database the harness created.
import json, os, sqlite3, sys, time

mode, home, count, wid, report, go, functions = sys.argv[1:8]
count, wid = int(count), int(wid)
pid = os.getpid()
t0 = time.perf_counter_ns()
if mode == "inbox":
    ns = {}
    exec(open(functions).read(), ns)
    metadb_event = ns["metadb_event"]

    def write(i):
        metadb_event("messages", {"source": "bench-%d" % wid, "direction": "inbound", "body": "event %d" % i},
                     source="bench", home=home)
else:
    db = sqlite3.connect(os.path.join(home, "meta.db"), timeout=10.0, isolation_level=None)
    db.execute("PRAGMA synchronous=NORMAL")
    host = os.uname().nodename

    def write(i):
        now = time.time()
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + ".%06dZ" % int((now % 1) * 1e6)
        db.execute("INSERT INTO messages(event_id, ts_utc, host, pid, ingested_at, source, direction, body)"
                   " VALUES (?,?,?,?,?,?,?,?)",
                   ("%012x-%08x-%06x" % (int(now * 1000), pid, i), ts, host, pid, ts, "bench-%d" % wid, "inbound",
                    "event %d" % i))
open_nanos = time.perf_counter_ns() - t0
open(go + ".ready-" + str(wid), "w").close()
while not os.path.exists(go):
    time.sleep(0.001)
latencies, stored, failed, locks, first_error = [], 0, 0, 0, None
for i in range(count):
    start = time.perf_counter_ns()
    try:
        write(i)
        stored += 1
    except Exception as e:  # a failed write is counted and reported, never retried
        failed += 1
        if "locked" in str(e) or "busy" in str(e):
            locks += 1
        first_error = first_error or "%s: %s" % (type(e).__name__, e)
    latencies.append(time.perf_counter_ns() - start)
with open(report, "w") as f:
    json.dump({"writerId": wid, "pid": pid, "sink": "python-" + mode, "attempted": count, "stored": stored,
               "spooled": 0, "failed": failed, "lockErrors": locks, "openNanos": open_nanos, "closeNanos": 0,
               "latencyNanos": latencies, "firstError": first_error}, f)
