package dev.registrytokens.local;

import dev.registrytokens.core.DomainException;
import dev.registrytokens.core.LoginRecord;
import dev.registrytokens.core.Secrets;
import dev.registrytokens.core.TokenRecord;
import dev.registrytokens.core.adapters.DynamoDbLoginStore;
import dev.registrytokens.core.adapters.KmsSecretMacs;
import dev.registrytokens.registry.RegistryLogins;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The fleet model of one hot token: {@code ./dev bench hot --environments N --rate R --seconds S}. N execution
 * environments (each its own RegistryLogins over DynamoDbLoginStore, the real login code) log one token in at R logins/s
 * in all, on a simulated clock, against a DynamoDB stand-in that charges and throttles each item at DynamoDB's
 * per-partition limits and a KMS stand-in that counts MACs. Environments start at Lambda's scale-out rate (1,000 per
 * 10 s per function, {@code --scale-out}), each taking its share R/N from then, with its first login's KMS verdict to
 * make; the run goes on S seconds after the last has started, and the token is disabled halfway through those.
 * Logins are evenly spaced (login j at j/R s, in environment j mod N) from {@code --sources} addresses (default 1: a
 * cluster behind one NAT address, the worst case for its failure counter). The login record is stored with its
 * replicas ({@code LoginRecord.REPLICAS}), each environment's hot refreshes reading the one it picked. Prints per item
 * the peak read and write units/s and throttled requests, KMS calls, logins by outcome, and how long after the disable
 * each environment still accepted the token. {@code --design strong} is the design before hot tokens (every login reads), {@code hot} the
 * current one, {@code both} (default) one after the other.
 */
public final class HotTokenBenchmark {
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    private static final String TABLE = "tokens";
    private static final String NAMESPACE = "fleet";
    private static final String USERNAME = NAMESPACE + "+pull";
    private static final String TOKEN_ID = "01fleetmodeltoken";
    private static final int FAILURES_PER_SOURCE = 10;
    private static final Duration FAILURE_WINDOW = Duration.ofMinutes(5);

    private record Options(int environments, int rate, int seconds, String design, int sources, int scaleOut,
                           int threshold, Duration maxAge) {
        static Options parse(String[] args) {
            Map<String, String> given = new java.util.HashMap<>();
            for (int i = 0; i < args.length; i += 2) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("usage: ./dev bench hot --environments N --rate R --seconds S "
                            + "[--design strong|hot|both] [--sources K] [--scale-out ENVIRONMENTS_PER_SECOND] "
                            + "[--threshold LOGINS_PER_SECOND] [--max-age-ms MS]");
                }
                given.put(args[i].substring(2), args[i + 1]);
            }
            Options options = new Options(Integer.parseInt(given.getOrDefault("environments", "1000")),
                    Integer.parseInt(given.getOrDefault("rate", "20000")), Integer.parseInt(given.getOrDefault("seconds", "20")),
                    given.getOrDefault("design", "both"), Integer.parseInt(given.getOrDefault("sources", "1")),
                    Integer.parseInt(given.getOrDefault("scale-out", "100")),
                    Integer.parseInt(given.getOrDefault("threshold", "10")),
                    Duration.ofMillis(Long.parseLong(given.getOrDefault("max-age-ms", "1000"))));
            if (!List.of("strong", "hot", "both").contains(options.design())) {
                throw new IllegalArgumentException("--design is strong, hot or both");
            }
            return options;
        }
    }

    /** A clock the model sets: every time decision of the login code is made on simulated time. */
    private static final class SimulatedClock extends Clock {
        private Instant now = START;

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("UTC only");
        }
    }

    private HotTokenBenchmark() {
    }

    public static void main(String[] args) {
        Options options = Options.parse(args);
        List<String> designs = options.design().equals("both") ? List.of("strong", "hot") : List.of(options.design());
        for (String design : designs) {
            run(options, design);
        }
    }

    private static void run(Options options, String design) {
        long began = System.nanoTime();
        SimulatedClock clock = new SimulatedClock();
        PartitionLimitedDynamoDb dynamoDb = new PartitionLimitedDynamoDb(clock);
        CountingKms kms = new CountingKms(clock);
        KmsSecretMacs macs = new KmsSecretMacs(kms, "alias/fleet-model");
        String secret = Secrets.generate();
        // The login record and its replicas, as DynamoDbTokenStore writes them: the disable changes every copy.
        List<Map<String, AttributeValue>> loginKeys = new ArrayList<>();
        byte[] mac = macs.macOf(secret);
        for (int replica = 0; replica < LoginRecord.REPLICAS; replica++) {
            String replicaKey = LoginRecord.replicaKey(USERNAME, replica);
            loginKeys.add(key(replicaKey, replicaKey));
            dynamoDb.put(loginItem(loginKeys.get(replica), mac));
        }
        Map<String, AttributeValue> tokenKey = key(TokenRecord.partitionKey(NAMESPACE), TokenRecord.sortKey(TOKEN_ID));
        dynamoDb.put(tokenKey);
        long setupKmsCalls = kms.calls();

        RegistryLogins.HotTokenLimits limits = design.equals("strong")
                ? RegistryLogins.HotTokenLimits.EVERY_LOGIN_READS
                : new RegistryLogins.HotTokenLimits(options.threshold(), options.maxAge());
        RegistryLogins[] environments = new RegistryLogins[options.environments()];
        String authorization = "Basic " + Base64.getEncoder().encodeToString((USERNAME + ":" + secret).getBytes(StandardCharsets.UTF_8));
        String[] sources = new String[options.sources()];
        for (int i = 0; i < sources.length; i++) {
            sources[i] = "198.51." + (i / 256) + "." + (i % 256);
        }

        long nanosPerStart = 1_000_000_000L / options.scaleOut();
        long rampNanos = (options.environments() - 1) * nanosPerStart;
        long endNanos = rampNanos + options.seconds() * 1_000_000_000L;
        long disableNanos = rampNanos + options.seconds() * 500_000_000L;
        long total = (long) Math.ceil(endNanos / 1e9 * options.rate());
        boolean disabled = false;
        long[] lastAcceptedAfterDisable = new long[options.environments()];
        Arrays.fill(lastAcceptedAfterDisable, -1);
        long accepted = 0;
        long refused = 0;
        long unavailable = 0;
        long acceptedAfterDisable = 0;
        for (long j = 0; j < total; j++) {
            long at = (long) (j * 1e9 / options.rate());
            int environment = (int) (j % options.environments());
            if (at < environment * nanosPerStart) {
                continue; // not started yet
            }
            clock.set(START.plusNanos(at));
            if (!disabled && at >= disableNanos) {
                for (Map<String, AttributeValue> loginKey : loginKeys) {
                    dynamoDb.change(loginKey, Map.of("status", AttributeValue.fromS("DISABLED"), "version", AttributeValue.fromN("2")));
                }
                disabled = true;
            }
            if (environments[environment] == null) {
                // Each environment its own store: the login replica its hot refreshes read is its own pick.
                environments[environment] = new RegistryLogins(new DynamoDbLoginStore(dynamoDb, TABLE), macs, clock,
                        FAILURES_PER_SOURCE, FAILURE_WINDOW,
                        line -> { }, limits);
            }
            try {
                if (environments[environment].authenticate(authorization, sources[(int) (j % sources.length)]).isPresent()) {
                    accepted++;
                    if (disabled) {
                        acceptedAfterDisable++;
                        lastAcceptedAfterDisable[environment] = at - disableNanos;
                    }
                } else {
                    refused++;
                }
            } catch (DomainException.Unavailable throttled) {
                unavailable++;
            }
        }
        print(options, design, dynamoDb, kms.calls() - setupKmsCalls, kms.peakCallsPerSecond(), rampNanos,
                accepted, refused, unavailable, acceptedAfterDisable, lastAcceptedAfterDisable, System.nanoTime() - began);
    }

    private static void print(Options options, String design, PartitionLimitedDynamoDb dynamoDb, long kmsCalls, int kmsPeak,
                              long rampNanos, long accepted, long refused, long unavailable, long acceptedAfterDisable,
                              long[] lastAcceptedAfterDisable, long elapsedNanos) {
        System.out.printf(Locale.ROOT, "design %s: one token, %,d logins/s over %,d environments (%s), %d s after the last started "
                        + "(%.1f s of scale-out at %d/s before), %d source address(es), token disabled %.1f s after the last start%n",
                design, options.rate(), options.environments(),
                design.equals("strong") ? "every login reads" : "hot at " + options.threshold() + " logins/s, copy at most "
                        + options.maxAge().toMillis() + " ms old",
                options.seconds(), rampNanos / 1e9, options.scaleOut(), options.sources(), options.seconds() / 2.0);
        System.out.printf(Locale.ROOT, "  logins: %,d accepted, %,d refused, %,d unavailable (503: throttled)%n", accepted, refused, unavailable);
        // Peaks per item (units per second, % of the partition's limit) while environments were starting (until 2 s
        // after the last start: a new environment reads each login of its first second, before it knows it is hot), and after.
        long start = START.getEpochSecond();
        long warm = start + (rampNanos + 999_999_999L) / 1_000_000_000L + 2;
        System.out.printf(Locale.ROOT, "  %-36s %28s %28s %10s %10s%n", "item", "peak read u/s: scale-out, steady",
                "peak write u/s: scale-out, steady", "thr. reads", "thr. writes");
        List<Map.Entry<String, PartitionLimitedDynamoDb.ItemLoad>> items = new ArrayList<>(dynamoDb.loads().entrySet());
        items.sort((a, b) -> Double.compare(total(b.getValue()), total(a.getValue())));
        for (Map.Entry<String, PartitionLimitedDynamoDb.ItemLoad> item : items.subList(0, Math.min(8, items.size()))) {
            PartitionLimitedDynamoDb.ItemLoad load = item.getValue();
            System.out.printf(Locale.ROOT, "  %-36s %s, %s %s, %s %,10d %,10d%n", item.getKey().split("\\|")[1],
                    units(load.peak(0, start, warm), PartitionLimitedDynamoDb.READ_UNITS_PER_SECOND),
                    units(load.peak(0, warm, Long.MAX_VALUE), PartitionLimitedDynamoDb.READ_UNITS_PER_SECOND),
                    units(load.peak(1, start, warm), PartitionLimitedDynamoDb.WRITE_UNITS_PER_SECOND),
                    units(load.peak(1, warm, Long.MAX_VALUE), PartitionLimitedDynamoDb.WRITE_UNITS_PER_SECOND),
                    load.throttledReads, load.throttledWrites);
        }
        System.out.printf(Locale.ROOT, "  KMS GenerateMac: %,d calls, peak %,d/s%n", kmsCalls, kmsPeak);
        long[] delays = Arrays.stream(lastAcceptedAfterDisable).map(nanos -> Math.max(0, nanos)).sorted().toArray();
        long environmentsAfter = Arrays.stream(lastAcceptedAfterDisable).filter(nanos -> nanos >= 0).count();
        System.out.printf(Locale.ROOT, "  revocation delay (last accepted login after the disable, per environment): p50 %.3f s, "
                        + "p99 %.3f s, max %.3f s; %,d environments and %,d logins accepted after it%n",
                percentile(delays, 0.50), percentile(delays, 0.99), percentile(delays, 1.0), environmentsAfter, acceptedAfterDisable);
        System.out.printf(Locale.ROOT, "  (modelled in %.1f s)%n", elapsedNanos / 1e9);
    }

    private static double total(PartitionLimitedDynamoDb.ItemLoad load) {
        return load.peak(0, Long.MIN_VALUE, Long.MAX_VALUE) + load.peak(1, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private static String units(double units, double limit) {
        return String.format(Locale.ROOT, "%6.0f (%3.0f%%)", units, 100 * units / limit);
    }

    private static double percentile(long[] sorted, double fraction) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] / 1e9;
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk));
    }

    /** The login item as the table holds it (the attributes of TableItems.LOGIN), for a PULL token enabled for 30 days. */
    private static Map<String, AttributeValue> loginItem(Map<String, AttributeValue> key, byte[] mac) {
        Map<String, AttributeValue> item = new java.util.HashMap<>(key);
        item.put("tokenId", AttributeValue.fromS(TOKEN_ID));
        item.put("namespace", AttributeValue.fromS(NAMESPACE));
        item.put("permission", AttributeValue.fromS("PULL"));
        item.put("status", AttributeValue.fromS("ENABLED"));
        item.put("expiresAt", AttributeValue.fromN(Long.toString(START.plus(Duration.ofDays(30)).getEpochSecond())));
        item.put("mac", AttributeValue.fromB(SdkBytes.fromByteArray(mac)));
        item.put("version", AttributeValue.fromN("1"));
        return item;
    }
}
