package dev.registrytokens.core.adapters;

import dev.registrytokens.core.TokenUsage;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.enhanced.dynamodb.AttributeConverter;
import software.amazon.awssdk.enhanced.dynamodb.AttributeValueType;
import software.amazon.awssdk.enhanced.dynamodb.EnhancedType;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * How a token's usage is stored on its item, readable as it is in the table: {@code usage = {sources: {<ip>: {ip,
 * client, at}}, refusals: {<epoch hour>#<reason>: count}, lastRefusal: {ip, client, reason, at}, writeId}}. The two maps exist
 * from the first usage write on, so that later writes set their entries by path, without reading first.
 */
final class TokenUsageAttribute implements AttributeConverter<TokenUsage> {
    static final String NAME = "usage";
    static final String SOURCES = "sources";
    static final String REFUSALS = "refusals";
    static final String LAST_REFUSAL = "lastRefusal";
    /** The id of the last usage write, which a retry of that write finds (and so is not applied twice). */
    static final String WRITE_ID = "writeId";
    static final TokenUsageAttribute INSTANCE = new TokenUsageAttribute();

    private TokenUsageAttribute() {
    }

    /** The usage item value with both maps and nothing in them: what a first write starts from. */
    static AttributeValue empty() {
        return AttributeValue.fromM(Map.of(SOURCES, AttributeValue.fromM(Map.of()), REFUSALS, AttributeValue.fromM(Map.of())));
    }

    static AttributeValue source(TokenUsage.Source source) {
        Map<String, AttributeValue> value = new HashMap<>();
        value.put("ip", AttributeValue.fromS(source.ip()));
        value.put("at", AttributeValue.fromS(source.lastUsedAt().toString()));
        if (source.client() != null) {
            value.put("client", AttributeValue.fromS(source.client()));
        }
        return AttributeValue.fromM(value);
    }

    static AttributeValue refusal(TokenUsage.Refusal refusal) {
        Map<String, AttributeValue> value = new HashMap<>();
        value.put("ip", AttributeValue.fromS(refusal.ip()));
        value.put("reason", AttributeValue.fromS(refusal.reason()));
        value.put("at", AttributeValue.fromS(refusal.at().toString()));
        if (refusal.client() != null) {
            value.put("client", AttributeValue.fromS(refusal.client()));
        }
        return AttributeValue.fromM(value);
    }

    @Override
    public AttributeValue transformFrom(TokenUsage usage) {
        Map<String, AttributeValue> sources = new LinkedHashMap<>();
        usage.sources().forEach((ip, source) -> sources.put(ip, source(source)));
        Map<String, AttributeValue> refusals = new LinkedHashMap<>();
        usage.refusals().forEach((bucket, count) -> refusals.put(bucket, AttributeValue.fromN(Long.toString(count))));
        Map<String, AttributeValue> value = new HashMap<>(Map.of(SOURCES, AttributeValue.fromM(sources), REFUSALS, AttributeValue.fromM(refusals)));
        if (usage.lastRefusal() != null) {
            value.put(LAST_REFUSAL, refusal(usage.lastRefusal()));
        }
        return AttributeValue.fromM(value);
    }

    @Override
    public TokenUsage transformTo(AttributeValue value) {
        Map<String, AttributeValue> usage = value.m();
        Map<String, TokenUsage.Source> sources = new HashMap<>();
        usage.getOrDefault(SOURCES, AttributeValue.fromM(Map.of())).m().forEach((ip, source) -> sources.put(ip,
                new TokenUsage.Source(source.m().get("ip").s(), text(source, "client"), Instant.parse(source.m().get("at").s()))));
        Map<String, Long> refusals = new HashMap<>();
        usage.getOrDefault(REFUSALS, AttributeValue.fromM(Map.of())).m().forEach((bucket, count) -> refusals.put(bucket, Long.parseLong(count.n())));
        AttributeValue last = usage.get(LAST_REFUSAL);
        TokenUsage.Refusal lastRefusal = last == null ? null : new TokenUsage.Refusal(last.m().get("ip").s(), text(last, "client"),
                last.m().get("reason").s(), Instant.parse(last.m().get("at").s()));
        return new TokenUsage(sources, refusals, lastRefusal);
    }

    private static String text(AttributeValue map, String name) {
        AttributeValue value = map.m().get(name);
        return value == null ? null : value.s();
    }

    @Override
    public EnhancedType<TokenUsage> type() {
        return EnhancedType.of(TokenUsage.class);
    }

    @Override
    public AttributeValueType attributeValueType() {
        return AttributeValueType.M;
    }
}
