package dev.zmkagent.device.boards;

/** Compares dotted version strings such as "0.6.1" or "0.6.2-12-g459adc9-dirty" by their numeric parts. */
public final class Versions {
    private Versions() {
    }

    public static int compare(String a, String b) {
        int[] x = numbers(a);
        int[] y = numbers(b);
        for (int i = 0; i < 3; i++) {
            int c = Integer.compare(x[i], y[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int[] numbers(String v) {
        int[] n = new int[3];
        String core = v.trim().split("[^0-9.]", 2)[0];
        String[] parts = core.split("\\.");
        for (int i = 0; i < 3 && i < parts.length; i++) {
            try {
                n[i] = parts[i].isEmpty() ? 0 : Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                n[i] = 0;
            }
        }
        return n;
    }
}
