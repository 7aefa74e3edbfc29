package dev.registrytokens.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs the same request many times at once, for race tests. */
public final class Concurrently {
    private Concurrently() {
    }

    /** Starts {@code times} copies of the call together; returns each one's result. */
    public static <T> List<T> run(int times, Callable<T> call) throws Exception {
        List<Callable<T>> calls = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            calls.add(call);
        }
        List<T> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(times)) {
            for (Future<T> result : pool.invokeAll(calls)) {
                results.add(result.get());
            }
        }
        return results;
    }
}
