package dev.registrytokens.local;

import java.util.List;
import java.util.Map;

/** The token endpoint's requests during one client operation, from the gateway's access lines: by method, and how many it answered 200. */
record TokenRequests(int get, int post, int ok) {
    private static final String TOKEN_PATH = "/v2/token";

    static TokenRequests of(List<Gateway.AccessLine> lines) {
        List<Gateway.AccessLine> token = lines.stream().filter(line -> line.path().equals(TOKEN_PATH)).toList();
        return new TokenRequests((int) token.stream().filter(line -> line.method().equals("GET")).count(),
                (int) token.stream().filter(line -> line.method().equals("POST")).count(),
                (int) token.stream().filter(line -> line.status() == 200).count());
    }

    int total() {
        return get + post;
    }

    /** A table of figures by row (client / registry), then by operation, in the operations' order. */
    static String table(Map<String, Map<String, TokenRequests>> figures, List<String> operations) {
        StringBuilder table = new StringBuilder(String.format("token requests per operation:%n%-28s", "client / registry"));
        operations.forEach(operation -> table.append(String.format("%-16s", operation)));
        figures.forEach((row, byOperation) -> {
            table.append(String.format("%n%-28s", row));
            operations.forEach(operation -> table.append(String.format("%-16s", byOperation.getOrDefault(operation, new TokenRequests(0, 0, 0)))));
        });
        return table.toString();
    }

    @Override
    public String toString() {
        return get + " GET" + (post > 0 ? " + " + post + " POST" : "");
    }
}
