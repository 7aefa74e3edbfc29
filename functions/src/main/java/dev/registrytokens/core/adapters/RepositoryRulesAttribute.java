package dev.registrytokens.core.adapters;

import dev.registrytokens.core.Permission;
import dev.registrytokens.core.RepositoryRule;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.enhanced.dynamodb.AttributeConverter;
import software.amazon.awssdk.enhanced.dynamodb.AttributeValueType;
import software.amazon.awssdk.enhanced.dynamodb.EnhancedType;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * How a token's repository rules are stored, on its item and its login item: a list of {@code {pattern, permission}}
 * maps, readable as they are in the table. Absent means every repository.
 */
final class RepositoryRulesAttribute implements AttributeConverter<List<RepositoryRule>> {
    static final RepositoryRulesAttribute INSTANCE = new RepositoryRulesAttribute();
    static final EnhancedType<List<RepositoryRule>> TYPE = EnhancedType.listOf(RepositoryRule.class);

    private RepositoryRulesAttribute() {
    }

    @Override
    public AttributeValue transformFrom(List<RepositoryRule> rules) {
        return AttributeValue.fromL(rules.stream()
                .map(rule -> AttributeValue.fromM(Map.of(
                        "pattern", AttributeValue.fromS(rule.pattern()),
                        "permission", AttributeValue.fromS(rule.permission().name()))))
                .toList());
    }

    @Override
    public List<RepositoryRule> transformTo(AttributeValue value) {
        return value.l().stream()
                .map(rule -> new RepositoryRule(rule.m().get("pattern").s(), Permission.valueOf(rule.m().get("permission").s())))
                .toList();
    }

    @Override
    public EnhancedType<List<RepositoryRule>> type() {
        return TYPE;
    }

    @Override
    public AttributeValueType attributeValueType() {
        return AttributeValueType.L;
    }
}
