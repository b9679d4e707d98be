package dev.tally.bench.peers;

import java.nio.file.Files;
import java.nio.file.Path;

/** Peak resident memory of processes, from Linux's {@code /proc/<pid>/status} (VmHWM). */
final class ProcessMemory {
  private ProcessMemory() {}

  /** This process's peak RSS so far, in bytes (0 where /proc is absent). */
  static long selfPeakRss() {
    return field(Path.of("/proc/self/status"), "VmHWM:") * 1024;
  }

  static long peakRss(long pid) {
    return field(Path.of("/proc/" + pid + "/status"), "VmHWM:") * 1024;
  }

  static long parentOf(long pid) {
    return field(Path.of("/proc/" + pid + "/status"), "PPid:");
  }

  private static long field(Path status, String name) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith(name)) {
          return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (Exception e) {
      // not Linux, or the process is gone
    }
    return 0;
  }
}
