package dev.registrytokens.core.adapters;

import dev.registrytokens.core.FieldChange;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.enhanced.dynamodb.AttributeConverter;
import software.amazon.awssdk.enhanced.dynamodb.AttributeValueType;
import software.amazon.awssdk.enhanced.dynamodb.EnhancedType;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * How an audit record's changed fields are stored: a list of {@code {field, before, after}} maps, each value a string,
 * a list of strings (allowed sources) or of string maps (repository rules), or NULL, readable as they are in the table.
 */
final class FieldChangesAttribute implements AttributeConverter<List<FieldChange>> {
    static final FieldChangesAttribute INSTANCE = new FieldChangesAttribute();
    static final EnhancedType<List<FieldChange>> TYPE = EnhancedType.listOf(FieldChange.class);

    private FieldChangesAttribute() {
    }

    @Override
    public AttributeValue transformFrom(List<FieldChange> changes) {
        return AttributeValue.fromL(changes.stream()
                .map(change -> {
                    Map<String, AttributeValue> item = new HashMap<>();
                    item.put("field", AttributeValue.fromS(change.field()));
                    item.put("before", valueOf(change.before()));
                    item.put("after", valueOf(change.after()));
                    return AttributeValue.fromM(item);
                })
                .toList());
    }

    @Override
    public List<FieldChange> transformTo(AttributeValue value) {
        return value.l().stream()
                .map(change -> new FieldChange(change.m().get("field").s(), fromValue(change.m().get("before")), fromValue(change.m().get("after"))))
                .toList();
    }

    private static AttributeValue valueOf(Object value) {
        return switch (value) {
            case null -> AttributeValue.fromNul(true);
            case String text -> AttributeValue.fromS(text);
            case List<?> list -> AttributeValue.fromL(list.stream()
                    .map(entry -> entry instanceof String text ? AttributeValue.fromS(text) : AttributeValue.fromM(stringMap((Map<?, ?>) entry)))
                    .toList());
            default -> throw new IllegalArgumentException("an audited value is a string, a list of strings or of string maps, or null: "
                    + value.getClass());
        };
    }

    private static Map<String, AttributeValue> stringMap(Map<?, ?> map) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        map.forEach((key, text) -> item.put((String) key, AttributeValue.fromS((String) text)));
        return item;
    }

    private static Object fromValue(AttributeValue value) {
        if (value == null || Boolean.TRUE.equals(value.nul())) {
            return null;
        }
        if (value.s() != null) {
            return value.s();
        }
        return value.l().stream().<Object>map(entry -> {
            if (entry.s() != null) {
                return entry.s();
            }
            Map<String, String> map = new LinkedHashMap<>();
            entry.m().forEach((key, text) -> map.put(key, text.s()));
            return map;
        }).toList();
    }

    @Override
    public EnhancedType<List<FieldChange>> type() {
        return TYPE;
    }

    @Override
    public AttributeValueType attributeValueType() {
        return AttributeValueType.L;
    }
}
