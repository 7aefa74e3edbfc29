package dev.registrytokens.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Tees everything the test JVM prints (handlers log to stdout and stderr) so a test can search it: from the first test
 * class on, as an extension JUnit registers for every class (junit-platform.properties, META-INF/services).
 */
public final class CapturedOutput implements BeforeAllCallback {
    private static final ByteArrayOutputStream CAPTURED = new ByteArrayOutputStream();
    private static boolean installed;

    @Override
    public void beforeAll(ExtensionContext context) {
        install();
    }

    private static synchronized void install() {
        if (!installed) {
            System.setOut(tee(System.out));
            System.setErr(tee(System.err));
            installed = true;
        }
    }

    public static synchronized String text() {
        return CAPTURED.toString(StandardCharsets.UTF_8);
    }

    private static PrintStream tee(PrintStream original) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (CapturedOutput.class) {
                    CAPTURED.write(b);
                }
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                original.write(bytes, offset, length);
                synchronized (CapturedOutput.class) {
                    CAPTURED.write(bytes, offset, length);
                }
            }
        }, true, StandardCharsets.UTF_8);
    }
}
