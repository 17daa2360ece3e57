package dev.metadb.event;

/** One run of a command-line program; the host is the envelope's. */
public record CliInvocation(@Required String bin, String argvJson, Long exitCode, Long durationMs)
    implements Event {}
