package dev.metadb.query;

import java.util.ArrayList;
import java.util.List;

/** A strict RFC 4180 reader for checking output: an unquoted empty field reads as null. */
final class Csv {
  private Csv() {}

  static List<List<String>> parse(String text) {
    List<List<String>> lines = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      if (text.charAt(i) == '"') {
        StringBuilder field = new StringBuilder();
        i++;
        while (true) {
          char c = text.charAt(i++);
          if (c == '"') {
            if (i < text.length() && text.charAt(i) == '"') {
              field.append('"');
              i++;
            } else {
              break;
            }
          } else {
            field.append(c);
          }
        }
        fields.add(field.toString());
      } else {
        int end = i;
        while (end < text.length() && text.charAt(end) != ',' && text.charAt(end) != '\n') {
          end++;
        }
        fields.add(end == i ? null : text.substring(i, end));
        i = end;
      }
      if (i < text.length() && text.charAt(i) == ',') {
        i++;
      } else {
        lines.add(fields);
        fields = new ArrayList<>();
        i++;
      }
    }
    return lines;
  }
}
