package dev.registrytokens.core;

import java.util.List;

/** What a token may do in the registry. */
public enum Permission {
    PULL(List.of("pull")),
    PULL_PUSH(List.of("pull", "push"));

    private final List<String> registryActions;

    Permission(List<String> registryActions) {
        this.registryActions = registryActions;
    }

    /** The Docker registry token protocol actions this permission grants. */
    public List<String> registryActions() {
        return registryActions;
    }
}
