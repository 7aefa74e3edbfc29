package dev.registrytokens.local;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium, driven through Debian's chromedriver (so nothing is downloaded), with a fresh profile,
 * finding what it clicks by the labels a person reads.
 */
final class ConsoleBrowser implements AutoCloseable {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String AXE = "/META-INF/resources/webjars/axe-core/4.6.3/axe.min.js";
    // Functions start cold in their own runtimes on a shared machine: a first answer can take a while.
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    final WebDriver driver;
    private final Path profile;
    private final Path screenshots;

    private ConsoleBrowser(WebDriver driver, Path profile, Path screenshots) {
        this.driver = driver;
        this.profile = profile;
        this.screenshots = screenshots;
    }

    static ConsoleBrowser start(Path screenshots) throws IOException {
        for (Path binary : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException(binary + " is missing: ./dev test installs it (apt packages chromium, chromium-driver)");
            }
        }
        Path profile = Files.createTempDirectory("chromium-profile-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        Files.createDirectories(screenshots);
        return new ConsoleBrowser(new ChromeDriver(service, options), profile, screenshots);
    }

    WebElement await(By locator) {
        return new WebDriverWait(driver, PATIENCE).until(ExpectedConditions.visibilityOfElementLocated(locator));
    }

    void awaitGone(By locator) {
        new WebDriverWait(driver, PATIENCE).until(ExpectedConditions.invisibilityOfElementLocated(locator));
    }

    /**
     * A visible button by its accessible name, in the open dialog when one is open, scrolled to the middle of its
     * scrolling box: a dialog taller than the window scrolls, and a button at its very edge is not clickable.
     */
    WebElement button(String name) {
        String scope = driver.findElements(By.cssSelector("dialog[open]")).isEmpty() ? "" : "//dialog[@open]";
        WebElement button = await(By.xpath(scope + "//button[normalize-space()='" + name + "' or @aria-label='" + name + "']"));
        script("arguments[0].scrollIntoView({block: 'center'})", button);
        return button;
    }

    /** The input a label names. */
    WebElement field(String label) {
        return driver.findElement(By.id(await(By.xpath("//label[normalize-space(text())='" + label + "']")).getAttribute("for")));
    }

    /** A radio button's label, by its own words (its hint left out), scrolled to the middle as a button is. */
    WebElement choice(String label) {
        WebElement choice = await(By.xpath("//dialog[@open]//label[contains(@class,'choice')][normalize-space(text())='" + label + "']"));
        script("arguments[0].scrollIntoView({block: 'center'})", choice);
        return choice;
    }

    WebElement row(String tokenName) {
        return await(By.xpath("//tbody/tr[td[@data-label='Name'][normalize-space()='" + tokenName + "']]"));
    }

    String cell(String tokenName, String column) {
        return row(tokenName).findElement(By.cssSelector("td[data-label='" + column + "']")).getText();
    }

    Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    void screenshot(String name) throws IOException {
        Files.write(screenshots.resolve(name + ".png"), ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
    }

    /** axe-core's violations on the page as it is now, one line each (empty when there are none). */
    List<String> accessibilityViolations() throws IOException {
        try (InputStream axe = ConsoleBrowser.class.getResourceAsStream(AXE)) {
            script(new String(axe.readAllBytes(), StandardCharsets.UTF_8));
        }
        Object violations = ((JavascriptExecutor) driver).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document).then(
                  (result) => done(result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)),
                  (error) => done([`axe failed: ${error}`]));
                """);
        return ((List<?>) violations).stream().map(Object::toString).toList();
    }

    @Override
    public void close() throws IOException {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
