package dev.registrytokens;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.library.dependencies.Slice;
import dev.registrytokens.core.TokenService;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The packages' layers, checked on the compiled main classes (never the tests'). What may depend on what:
 * <pre>
 *   handlers       one package per action; none depends on another  -> http, aws, runtime, registry, core, json
 *   aws            Lambda's clients and services, custom resources   -> registry, core.adapters, core, runtime, json
 *   http           API Gateway events and answers                    -> core, runtime, json
 *   registry       registry logins and their tokens                  -> core, core.adapters, json
 *   runtime        SnapStart's hooks, Lambda's credentials           -> core
 *   core.adapters  DynamoDB and KMS, behind core's ports             -> core
 *   core           the domain, plain Java                            -> nothing
 *   json           the one JSON mapper                               -> Jackson only
 * </pre>
 * and no package cycle.
 */
class LayeringTest {
    private static final String ROOT = "dev.registrytokens";
    private static final String CORE = ROOT + ".core";
    private static final String ADAPTERS = ROOT + ".core.adapters";
    private static final String REGISTRY = ROOT + ".registry";
    private static final String HTTP = ROOT + ".http";
    private static final String AWS = ROOT + ".aws";
    private static final String RUNTIME = ROOT + ".runtime";
    private static final String JSON = ROOT + ".json";
    /** Every package that is not one action's handler. */
    private static final String[] LAYERS = {CORE, ADAPTERS, REGISTRY, HTTP, AWS, RUNTIME, JSON};
    private static final String LAMBDA = "com.amazonaws..";
    private static final String JACKSON = "com.fasterxml.jackson..";
    private static final String AWS_SDK = "software.amazon.awssdk..";

    private static final JavaClasses MAIN = new ClassFileImporter().importPath(mainClasses());

    private static final DescribedPredicate<JavaClass> HANDLER_PACKAGES = DescribedPredicate.describe("an action's handler package",
            javaClass -> javaClass.getPackageName().startsWith(ROOT + ".") && Arrays.stream(LAYERS).noneMatch(javaClass.getPackageName()::equals));
    private static final DescribedPredicate<Slice> HANDLER_SLICES =
            DescribedPredicate.describe("are handler packages", slice -> slice.stream().allMatch(HANDLER_PACKAGES));

    @Test
    void coreDependsOnNothingButJavaAndItself() {
        classes().that().resideInAPackage(CORE)
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", CORE)
                .because("the domain knows nothing of HTTP, registries, AWS, Lambda, Jackson or the SDK's types (SdkBytes): only its adapters do")
                .check(MAIN);
    }

    @Test
    void theAdaptersDependOnCoreAndTheAwsSdkOnly() {
        classes().that().resideInAPackage(ADAPTERS)
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", CORE, ADAPTERS, AWS_SDK)
                .because("the DynamoDB and KMS adapters implement core's ports and nothing else")
                .check(MAIN);
    }

    @Test
    void jsonDependsOnJacksonOnly() {
        classes().that().resideInAPackage(JSON)
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", JACKSON, JSON)
                .check(MAIN);
    }

    @Test
    void registryKnowsNothingOfHttpLambdaOrTheWiring() {
        noClasses().that().resideInAPackage(REGISTRY)
                .should().dependOnClassesThat().resideInAnyPackage(HTTP, AWS, RUNTIME, LAMBDA)
                .orShould().dependOnClassesThat(HANDLER_PACKAGES)
                .check(MAIN);
    }

    @Test
    void httpKnowsNothingOfRegistriesTheAdaptersOrTheWiring() {
        noClasses().that().resideInAPackage(HTTP)
                .should().dependOnClassesThat().resideInAnyPackage(REGISTRY, ADAPTERS, AWS)
                .orShould().dependOnClassesThat(HANDLER_PACKAGES)
                .check(MAIN);
    }

    @Test
    void theRuntimeHooksKnowNothingOfTheLayersAboveCore() {
        noClasses().that().resideInAPackage(RUNTIME)
                .should().dependOnClassesThat().resideInAnyPackage(AWS, REGISTRY, ADAPTERS)
                .check(MAIN);
    }

    @Test
    void theWiringKnowsNothingOfHttpOrTheHandlers() {
        noClasses().that().resideInAnyPackage(AWS, RUNTIME)
                .should().dependOnClassesThat().resideInAPackage(HTTP)
                .orShould().dependOnClassesThat(HANDLER_PACKAGES)
                .check(MAIN);
    }

    @Test
    void handlersReachTheAdaptersOnlyThroughTheWiring() {
        noClasses().that(HANDLER_PACKAGES)
                .should().dependOnClassesThat().resideInAPackage(ADAPTERS)
                .because("the aws wiring builds the adapters; a handler takes the service it is given")
                .check(MAIN);
    }

    @Test
    void noPackageDependsOnAHandlerButItsOwn() {
        slices().matching(ROOT + ".(*)..").that(HANDLER_SLICES).should().notDependOnEachOther().check(MAIN);
        noClasses().that().resideInAnyPackage(LAYERS).should().dependOnClassesThat(HANDLER_PACKAGES).check(MAIN);
    }

    @Test
    void noPackageCycles() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(MAIN);
    }

    /** Where the main classes were compiled to (target/classes): the tests' classes and the class path's jars are not read. */
    private static Path mainClasses() {
        try {
            return Path.of(TokenService.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
