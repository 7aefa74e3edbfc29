package dev.registrytokens.testkit;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * How the code under test creates the template's custom resources, by resource type, for {@link TemplateResources} to
 * play CloudFormation's part. The testkit knows none of the functions: each module that provisions a stack names its
 * implementation in {@code META-INF/services/dev.registrytokens.testkit.CustomResources}.
 */
public interface CustomResources {
    /** One custom resource's Create, run in-process as its function ({@link AwsEmulator.Stack#kmsAs} and the like). */
    @FunctionalInterface
    interface Create {
        void create(AwsEmulator.Stack stack, String function, Map<String, Object> properties);
    }

    /** Each custom resource type the template declares (such as {@code Custom::RegistryCertificate}) with its Create. */
    Map<String, Create> byType();

    /** The one implementation on the class path. */
    static Map<String, Create> find() {
        List<CustomResources> found = ServiceLoader.load(CustomResources.class).stream().map(ServiceLoader.Provider::get).toList();
        if (found.size() != 1) {
            throw new IllegalStateException("expected one " + CustomResources.class.getName() + " on the class path (named in META-INF/services), found "
                    + found.stream().map(provider -> provider.getClass().getName()).toList());
        }
        return found.getFirst().byType();
    }
}
