package dev.registrytokens.local;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --name value} options, with repeatable {@code --param Name=value} (like sam's parameter overrides). */
record Args(Map<String, String> options, Map<String, String> parameters) {
    static Args parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            if (args[i].equals("--param")) {
                String[] pair = args[i + 1].split("=", 2);
                parameters.put(pair[0], pair.length > 1 ? pair[1] : "");
            } else {
                options.put(args[i].substring(2), args[i + 1]);
            }
        }
        return new Args(options, parameters);
    }

    String get(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    String require(String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }
}
