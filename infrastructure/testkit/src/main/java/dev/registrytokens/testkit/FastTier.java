package dev.registrytokens.testkit;

import java.lang.annotation.Annotation;
import java.util.Arrays;

/**
 * The fast tier ({@code ./dev test --fast}) runs the tests not tagged {@code machine}: no emulator, no process, no
 * network. Its test JVMs carry the system property {@value #PROPERTY}{@code =true} (the poms' {@code fast} profile);
 * in them, starting the emulator or a process fails, naming the test, instead of quietly needing the machine.
 */
public final class FastTier {
    public static final String PROPERTY = "registrytokens.fastTier";

    private FastTier() {
    }

    /** Fails in the fast tier: {@code what} (the emulator, a process) is for tests tagged {@code machine}. */
    public static void refuse(String what) {
        if (Boolean.getBoolean(PROPERTY)) {
            throw new IllegalStateException(testOnStack() + " started " + what + " in the fast tier (./dev test --fast), which has no "
                    + "emulator, processes or network: tag its class @Tag(\"machine\") to run it in ./dev test");
        }
    }

    /** The test JUnit runs on this thread: the outermost frame of a class with a JUnit-annotated method. */
    private static String testOnStack() {
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.filter(frame -> isTestClass(frame.getDeclaringClass()))
                        .map(frame -> frame.getDeclaringClass().getName() + "." + frame.getMethodName())
                        .reduce((inner, outer) -> outer))
                .orElse("a test (none on the stack of thread " + Thread.currentThread().getName() + ")");
    }

    private static boolean isTestClass(Class<?> type) {
        return Arrays.stream(type.getDeclaredMethods()).flatMap(method -> Arrays.stream(method.getAnnotations()))
                .map(Annotation::annotationType).anyMatch(annotation -> annotation.getName().startsWith("org.junit."));
    }
}
