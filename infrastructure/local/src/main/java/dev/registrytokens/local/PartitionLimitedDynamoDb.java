package dev.registrytokens.local;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * A DynamoDB stand-in for the fleet model (local only): one table in memory, on a simulated clock, that charges every
 * read and write to its item's units in the clock's current second and throttles an item past DynamoDB's
 * per-partition limits (each item taken as its own partition; no burst or adaptive capacity): 3,000 read units/s
 * (a strongly consistent read of up to 4 KB is 1 unit, an eventually consistent one 0.5, a missing item the same) and
 * 1,000 write units/s (1 unit per KB, a failed condition too). Throttled as DynamoDB does: a BatchGetItem returns the
 * throttled keys as unprocessed, or fails with ProvisionedThroughputExceededException when none could be read; an
 * UpdateItem fails with it. Implements the calls the login store makes: BatchGetItem and UpdateItem (SET of a value,
 * another attribute, {@code if_not_exists(path, :v)} and sums of those, ADD and REMOVE, on document paths into maps;
 * conditions with comparisons, attribute_exists, attribute_not_exists, AND, OR, NOT and parentheses; ReturnValues
 * ALL_NEW, and ALL_OLD on a failed condition). A SET into a map the item does not have is DynamoDB's
 * ValidationException, which costs no units.
 */
final class PartitionLimitedDynamoDb implements DynamoDbClient {
    static final double READ_UNITS_PER_SECOND = 3_000;
    static final double WRITE_UNITS_PER_SECOND = 1_000;

    /** One item's units and throttled requests, per second of the clock. */
    static final class ItemLoad {
        final TreeMap<Long, double[]> unitsBySecond = new TreeMap<>();
        long throttledReads;
        long throttledWrites;

        /** Charges {@code units} of reads (0) or writes (1) in {@code second}, unless they would pass the limit. */
        boolean charge(long second, int kind, double units, double limit) {
            double[] used = unitsBySecond.computeIfAbsent(second, unused -> new double[2]);
            if (used[kind] + units > limit) {
                if (kind == 0) {
                    throttledReads++;
                } else {
                    throttledWrites++;
                }
                return false;
            }
            used[kind] += units;
            return true;
        }

        /** The most units of reads (0) or writes (1) in one second from {@code fromSecond} (inclusive) to {@code toSecond}. */
        double peak(int kind, long fromSecond, long toSecond) {
            return unitsBySecond.subMap(fromSecond, toSecond).values().stream().mapToDouble(units -> units[kind]).max().orElse(0);
        }
    }

    /** Thrown again and again: the model throttles millions of requests, and a fresh stack trace each costs more than the login. */
    private static final ProvisionedThroughputExceededException THROTTLED = ProvisionedThroughputExceededException.builder()
            .message("Throughput exceeds the current capacity of your table or index.").statusCode(400).build();

    private final Clock clock;
    private final Map<String, Map<String, AttributeValue>> items = new HashMap<>();
    private final Map<String, ItemLoad> loads = new HashMap<>();

    PartitionLimitedDynamoDb(Clock clock) {
        this.clock = clock;
    }

    void put(Map<String, AttributeValue> item) {
        items.put(keyOf(item), new HashMap<>(item));
    }

    /** Sets attributes of a stored item outside the limits: what a change (a disable, say) leaves there. */
    void change(Map<String, AttributeValue> key, Map<String, AttributeValue> attributes) {
        items.get(keyOf(key)).putAll(attributes);
    }

    Map<String, AttributeValue> item(Map<String, AttributeValue> key) {
        return items.get(keyOf(key));
    }

    /** Each item's load by its key ({@code pk|sk}). */
    Map<String, ItemLoad> loads() {
        return loads;
    }

    @Override
    public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
        long second = clock.instant().getEpochSecond();
        Map<String, List<Map<String, AttributeValue>>> found = new HashMap<>();
        Map<String, KeysAndAttributes> unprocessed = new HashMap<>();
        int keys = 0;
        int throttled = 0;
        for (Map.Entry<String, KeysAndAttributes> table : request.requestItems().entrySet()) {
            boolean consistent = Boolean.TRUE.equals(table.getValue().consistentRead());
            List<Map<String, AttributeValue>> tableFound = new ArrayList<>();
            List<Map<String, AttributeValue>> tableUnprocessed = new ArrayList<>();
            for (Map<String, AttributeValue> key : table.getValue().keys()) {
                keys++;
                Map<String, AttributeValue> item = items.get(keyOf(key));
                double units = Math.ceil(Math.max(1, sizeOf(item)) / 4096.0) * (consistent ? 1 : 0.5);
                if (!load(key).charge(second, 0, units, READ_UNITS_PER_SECOND)) {
                    throttled++;
                    tableUnprocessed.add(key);
                } else if (item != null) {
                    tableFound.add(Collections.unmodifiableMap(item));
                }
            }
            found.put(table.getKey(), tableFound);
            if (!tableUnprocessed.isEmpty()) {
                unprocessed.put(table.getKey(), table.getValue().toBuilder().keys(tableUnprocessed).build());
            }
        }
        if (keys > 0 && throttled == keys) {
            throw THROTTLED;
        }
        return BatchGetItemResponse.builder().responses(found).unprocessedKeys(unprocessed).build();
    }

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
        long second = clock.instant().getEpochSecond();
        String key = keyOf(request.key());
        Map<String, AttributeValue> before = items.get(key);
        Map<String, AttributeValue> after = new HashMap<>(before == null ? request.key() : before);
        Function<String, String> name = token -> token.startsWith("#") ? request.expressionAttributeNames().get(token) : token;
        Function<String, AttributeValue> value = token -> request.expressionAttributeValues().get(token);
        Map<String, AttributeValue> stored = before == null ? Map.of() : before;
        boolean holds = request.conditionExpression() == null
                || new Condition(request.conditionExpression(), name, value, stored).holds();
        if (holds) {
            applyUpdate(request.updateExpression(), name, value, stored, after);
        }
        double units = Math.ceil(Math.max(1, Math.max(sizeOf(before), sizeOf(after))) / 1024.0);
        if (!load(request.key()).charge(second, 1, units, WRITE_UNITS_PER_SECOND)) {
            throw THROTTLED;
        }
        if (!holds) {
            throw ConditionalCheckFailedException.builder().message("The conditional request failed").statusCode(400)
                    .item(request.returnValuesOnConditionCheckFailure() == ReturnValuesOnConditionCheckFailure.ALL_OLD ? before : null).build();
        }
        items.put(key, after);
        return UpdateItemResponse.builder().attributes(request.returnValues() == ReturnValue.ALL_NEW ? Collections.unmodifiableMap(after) : null).build();
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
    }

    private ItemLoad load(Map<String, AttributeValue> key) {
        return loads.computeIfAbsent(keyOf(key), unused -> new ItemLoad());
    }


    private static String keyOf(Map<String, AttributeValue> item) {
        return item.get("pk").s() + "|" + item.get("sk").s();
    }

    /** DynamoDB's item size: the attribute names' and values' lengths (UTF-8), numbers about one byte per digit. */
    static int sizeOf(Map<String, AttributeValue> item) {
        if (item == null) {
            return 0;
        }
        int size = 0;
        for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
            size += attribute.getKey().getBytes(StandardCharsets.UTF_8).length + sizeOf(attribute.getValue());
        }
        return size;
    }

    private static int sizeOf(AttributeValue value) {
        return switch (value.type()) {
            case S -> value.s().getBytes(StandardCharsets.UTF_8).length;
            case N -> value.n().length();
            case B -> value.b().asByteArray().length;
            case BOOL, NUL -> 1;
            case L -> 3 + value.l().stream().mapToInt(element -> 1 + sizeOf(element)).sum();
            case M -> 3 + value.m().entrySet().stream().mapToInt(entry -> 1 + entry.getKey().length() + sizeOf(entry.getValue())).sum();
            case SS -> value.ss().stream().mapToInt(String::length).sum();
            case NS -> value.ns().stream().mapToInt(String::length).sum();
            case BS -> value.bs().stream().mapToInt(bytes -> bytes.asByteArray().length).sum();
            case UNKNOWN_TO_SDK_VERSION -> throw new IllegalArgumentException("an attribute value of no known type");
        };
    }

    private static final Pattern CLAUSE = Pattern.compile("\\b(SET|ADD|REMOVE)\\b");

    private static void applyUpdate(String expression, Function<String, String> name, Function<String, AttributeValue> value,
                                    Map<String, AttributeValue> before, Map<String, AttributeValue> item) {
        Matcher clauses = CLAUSE.matcher(expression);
        List<int[]> starts = new ArrayList<>();
        while (clauses.find()) {
            starts.add(new int[] {clauses.start(), clauses.end()});
        }
        for (int i = 0; i < starts.size(); i++) {
            String keyword = expression.substring(starts.get(i)[0], starts.get(i)[1]);
            String body = expression.substring(starts.get(i)[1], i + 1 < starts.size() ? starts.get(i + 1)[0] : expression.length());
            for (String action : actions(body)) {
                switch (keyword) {
                    case "SET" -> {
                        int equals = action.indexOf('=');
                        if (equals < 0) {
                            throw new IllegalArgumentException("the model understands SET path = value, not: " + action);
                        }
                        // The right-hand side reads the item as it was before this update, as DynamoDB does.
                        setPath(item, path(action.substring(0, equals).trim(), name), sum(action.substring(equals + 1).trim(), name, value, before));
                    }
                    case "REMOVE" -> setPath(item, path(action, name), null);
                    default -> {
                        String[] parts = action.split("\\s+");
                        if (parts.length != 2 || !parts[1].startsWith(":")) {
                            throw new IllegalArgumentException("the model understands ADD a :v, not: " + action);
                        }
                        AttributeValue current = item.get(name.apply(parts[0]));
                        BigDecimal sum = new BigDecimal(value.apply(parts[1]).n()).add(current == null ? BigDecimal.ZERO : new BigDecimal(current.n()));
                        item.put(name.apply(parts[0]), AttributeValue.fromN(sum.toPlainString()));
                    }
                }
            }
        }
    }

    /** A clause's actions: its text split at the commas outside parentheses. */
    private static List<String> actions(String body) {
        List<String> actions = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (c == ',' && depth == 0) {
                actions.add(body.substring(start, i).trim());
                start = i + 1;
            }
        }
        actions.add(body.substring(start).trim());
        return actions;
    }

    /** {@code term [+ term]}, numbers added. */
    private static AttributeValue sum(String expression, Function<String, String> name, Function<String, AttributeValue> value,
                                      Map<String, AttributeValue> before) {
        int plus = expression.lastIndexOf('+');
        if (plus < 0) {
            return term(expression, name, value, before);
        }
        AttributeValue left = term(expression.substring(0, plus).trim(), name, value, before);
        AttributeValue right = term(expression.substring(plus + 1).trim(), name, value, before);
        return AttributeValue.fromN(new BigDecimal(left.n()).add(new BigDecimal(right.n())).toPlainString());
    }

    /** {@code :value}, {@code path} (the stored value) or {@code if_not_exists(path, :value)}. */
    private static AttributeValue term(String term, Function<String, String> name, Function<String, AttributeValue> value,
                                       Map<String, AttributeValue> before) {
        if (term.startsWith(":")) {
            return value.apply(term);
        }
        if (term.startsWith("if_not_exists(") && term.endsWith(")")) {
            String[] arguments = term.substring("if_not_exists(".length(), term.length() - 1).split(",");
            AttributeValue stored = pathValue(before, path(arguments[0].trim(), name));
            return stored != null ? stored : value.apply(arguments[1].trim());
        }
        AttributeValue stored = pathValue(before, path(term, name));
        if (stored == null) {
            throw new IllegalArgumentException("the update copies " + term + ", which the item does not have");
        }
        return stored;
    }

    /** A document path's names, resolved: {@code #a.#b} is the attribute a's map entry b. */
    private static List<String> path(String expression, Function<String, String> name) {
        List<String> path = new ArrayList<>();
        for (String segment : expression.trim().split("\\.")) {
            path.add(name.apply(segment));
        }
        return path;
    }

    static AttributeValue pathValue(Map<String, AttributeValue> item, List<String> path) {
        AttributeValue current = item.get(path.getFirst());
        for (int i = 1; i < path.size() && current != null; i++) {
            current = current.hasM() ? current.m().get(path.get(i)) : null;
        }
        return current;
    }

    /** Sets the path to {@code value}, or removes it (null); a SET into a missing map is a ValidationException. */
    private static void setPath(Map<String, AttributeValue> item, List<String> path, AttributeValue value) {
        if (path.size() == 1) {
            if (value == null) {
                item.remove(path.getFirst());
            } else {
                item.put(path.getFirst(), value);
            }
            return;
        }
        AttributeValue parent = item.get(path.getFirst());
        if (parent == null || !parent.hasM()) {
            if (value == null) {
                return;
            }
            throw DynamoDbException.builder().message("The document path provided in the update expression is invalid for update")
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("ValidationException")
                            .errorMessage("The document path provided in the update expression is invalid for update").build())
                    .statusCode(400).build();
        }
        Map<String, AttributeValue> inner = new HashMap<>(parent.m());
        setPath(inner, path.subList(1, path.size()), value);
        item.put(path.getFirst(), AttributeValue.fromM(inner));
    }

    /** A condition expression over an item (empty when there is none), by recursive descent. */
    private static final class Condition {
        private static final Pattern TOKEN = Pattern.compile("\\s*(<>|<=|>=|=|<|>|\\(|\\)|[#:]?[A-Za-z0-9_]+(?:\\.#?[A-Za-z0-9_]+)*)");

        private final List<String> tokens = new ArrayList<>();
        private final Function<String, String> name;
        private final Function<String, AttributeValue> value;
        private final Map<String, AttributeValue> item;
        private int next;

        Condition(String expression, Function<String, String> name, Function<String, AttributeValue> value, Map<String, AttributeValue> item) {
            Matcher matcher = TOKEN.matcher(expression);
            int end = 0;
            while (matcher.lookingAt()) {
                tokens.add(matcher.group(1));
                end = matcher.end();
                matcher.region(end, expression.length());
            }
            if (!expression.substring(end).isBlank()) {
                throw new IllegalArgumentException("condition not understood at: " + expression.substring(end));
            }
            this.name = name;
            this.value = value;
            this.item = item;
        }

        boolean holds() {
            boolean holds = or();
            if (next != tokens.size()) {
                throw new IllegalArgumentException("condition not understood at: " + tokens.get(next));
            }
            return holds;
        }

        private boolean or() {
            boolean holds = and();
            while (accept("OR")) {
                holds |= and();
            }
            return holds;
        }

        private boolean and() {
            boolean holds = unary();
            while (accept("AND")) {
                holds &= unary();
            }
            return holds;
        }

        private boolean unary() {
            if (accept("NOT")) {
                return !unary();
            }
            if (accept("(")) {
                boolean holds = or();
                expect(")");
                return holds;
            }
            if (accept("attribute_exists") || accept("attribute_not_exists")) {
                boolean exists = tokens.get(next - 1).equals("attribute_exists");
                expect("(");
                boolean present = pathValue(item, path(tokens.get(next++), name)) != null;
                expect(")");
                return present == exists;
            }
            AttributeValue left = operand();
            String operator = tokens.get(next++);
            AttributeValue right = operand();
            if (left == null || right == null) {
                return false;
            }
            Integer order = left.n() != null && right.n() != null ? Integer.valueOf(new BigDecimal(left.n()).compareTo(new BigDecimal(right.n())))
                    : left.s() != null && right.s() != null ? Integer.valueOf(left.s().compareTo(right.s())) : null;
            if (order == null) { // values of different types are only ever unequal
                return operator.equals("<>") ? !left.equals(right) : operator.equals("=") && left.equals(right);
            }
            return switch (operator) {
                case "=" -> order == 0;
                case "<>" -> order != 0;
                case "<" -> order < 0;
                case "<=" -> order <= 0;
                case ">" -> order > 0;
                case ">=" -> order >= 0;
                default -> throw new IllegalArgumentException("no comparison " + operator);
            };
        }

        private AttributeValue operand() {
            String token = tokens.get(next++);
            return token.startsWith(":") ? value.apply(token) : pathValue(item, path(token, name));
        }

        private boolean accept(String token) {
            if (next < tokens.size() && tokens.get(next).equals(token)) {
                next++;
                return true;
            }
            return false;
        }

        private void expect(String token) {
            if (!accept(token)) {
                throw new IllegalArgumentException("condition: expected " + token);
            }
        }
    }
}
