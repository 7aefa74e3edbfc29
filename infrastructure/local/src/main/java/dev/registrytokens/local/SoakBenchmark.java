package dev.registrytokens.local;

import dev.registrytokens.testkit.TemplateResources;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code ./dev bench soak}: the soak against the running local API ({@code ./dev up}): every routed function held at
 * its full count of execution environments, then mixed requests, with {@code /console/} and the dev issuer probed
 * throughout. Prints the environments and their memory, then count, p50 and p99 per kind of request and probe.
 */
public final class SoakBenchmark {
    private SoakBenchmark() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        URI api = URI.create(args.get("api", "http://127.0.0.1:3000"));
        URI issuer = URI.create(args.get("issuer", "http://127.0.0.1:3001"));
        ProcessHandle apiProcess = ProcessHandle.of(Long.parseLong(args.require("api-pid")))
                .orElseThrow(() -> new IllegalStateException("the local API (pid " + args.require("api-pid") + ") is not running"));
        int environments = Integer.parseInt(args.get("environments", "4"));
        int requests = Integer.parseInt(args.get("requests", "5000"));
        int concurrency = Integer.parseInt(args.get("concurrency", "16"));
        Map<String, String> functions = Soak.functionsByHandler(TemplateResources.readTemplate(Path.of(args.get("template", "template.yaml"))));

        Soak.Report report = Soak.against(api, issuer).run(environments, requests, concurrency,
                () -> Soak.Environments.of(apiProcess, functions));
        Soak.Environments held = report.environments();
        System.out.printf("soak: %d routed functions, %d execution environments (%s); %d warm-up requests%n",
                Soak.routedFunctions().size(), held.total(), held.perFunction(), report.warmUp().size());
        System.out.printf("memory: %.1f GiB resident for the local API and every environment (%.0f MiB each on average)%n",
                held.residentBytes() / (double) (1L << 30), held.residentBytes() / (double) (1L << 20) / Math.max(1, held.total()));
        System.out.printf("%d mixed requests, at most %d at a time:%n", requests, concurrency);
        Soak.latencyLines(report.load()).forEach(System.out::println);
        System.out.println("probes, every 0.5 s from the first warm-up request to the last request:");
        Soak.probeLines(report.probes()).forEach(System.out::println);
    }
}
