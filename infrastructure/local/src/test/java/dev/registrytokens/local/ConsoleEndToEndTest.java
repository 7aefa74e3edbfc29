package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.registrytokens.testing.AwsEmulator;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * The web console in a real headless Chromium, on the local API as ./dev up runs it: signed in through the dev
 * issuer's OIDC flow, every action done by clicking what a person sees, each secret it shows checked against a real
 * registry with skopeo. The tests run in order, as one person's session.
 */
@ExtendWith(AwsEmulator.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleEndToEndTest {
    private static final Path SCREENSHOTS = Path.of("target/screenshots");
    private static final String ACCOUNT = "console" + UUID.randomUUID().toString().substring(0, 8);
    private static LocalApiProcess api;
    private static RegistryProcess registry;
    private static ConsoleBrowser browser;
    private static Skopeo skopeo;
    private static String pullSecret;
    @TempDir
    static Path work;

    @BeforeAll
    static void start() throws Exception {
        api = LocalApiProcess.start(Map.of());
        Path certificate = work.resolve("certs.pem");
        Files.writeString(certificate, api.getText("/certs.pem"));
        registry = RegistryProcess.start(RegistryProcess.Version.DISTRIBUTION_3, api.tokenRealm(), certificate, work.resolve("storage"));
        skopeo = new Skopeo(Files.createDirectories(work.resolve("skopeo")));
        browser = ConsoleBrowser.start(SCREENSHOTS);
    }

    @AfterAll
    static void stop() throws Exception {
        browser.close();
        registry.close();
        api.close();
    }

    private boolean logsIn(String username, String secret) throws Exception {
        return skopeo.login(registry.host(), username, secret).succeeded();
    }

    /** Opens the row's menu and picks an item; the item's confirmation, when it has one, is confirmed. */
    private void act(String tokenName, String item, boolean confirm) {
        browser.button("Actions for " + tokenName).click();
        browser.await(By.xpath("//*[@role='menu']//button[normalize-space()='" + item + "']")).click();
        if (confirm) {
            browser.await(By.id("confirm-dialog"));
            browser.button(item).click();
            browser.awaitGone(By.id("confirm-dialog"));
        }
    }

    /** Reads the shown-once dialog: the username and the secret. */
    private String[] readSecretDialog() {
        browser.await(By.id("secret-value"));
        return new String[] {browser.driver.findElement(By.id("secret-username")).getText(),
                browser.driver.findElement(By.id("secret-value")).getText()};
    }

    /** Everything the page holds: its markup, every field's value, and both storages. */
    private String everythingInThePage() {
        return browser.driver.getPageSource() + browser.script("""
                return [...document.querySelectorAll('input, textarea')].map((e) => e.value).join(' ')
                  + JSON.stringify({...sessionStorage}) + JSON.stringify({...localStorage}) + location.href;""");
    }

    @Test
    @Order(1)
    void servesTheConsoleWithAStrictContentSecurityPolicyAndAnAccessLine() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(api.uri("/console/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertTrue(policy.contains("script-src 'self';") && !policy.contains("unsafe-inline"), policy);
            assertTrue(policy.contains("connect-src 'self' http://127.0.0.1:" + api.issuerPort + ";"), policy);
            assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElseThrow());
            assertEquals("no-referrer", page.headers().firstValue("Referrer-Policy").orElseThrow());
            assertFalse(page.body().contains("<script>"), "no inline script");
            assertEquals(404, http.send(HttpRequest.newBuilder(api.uri("/console/../template.yaml")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
        }
        assertTrue(api.accessLines().stream().anyMatch(line -> line.path().equals("/console/") && line.status() == 200));
    }

    @Test
    @Order(2)
    void signsInThroughTheDevIssuerAndShowsTheEmptyState() {
        browser.driver.get(api.uri("/console/").toString());
        browser.button("Sign in").click();
        browser.field("Sign in as ACCOUNT").sendKeys(ACCOUNT);
        browser.button("Sign in").click();
        browser.await(By.id("empty"));
        assertEquals("Access Tokens", browser.driver.getTitle());
        assertEquals(api.uri("/console/").toString(), browser.driver.getCurrentUrl(), "the code left the address bar");
        assertEquals("Create token", browser.driver.findElement(By.id("create")).getAccessibleName());
        assertEquals("+", browser.driver.findElement(By.id("create")).getText());
    }

    @Test
    @Order(3)
    void createsAPullTokenFor30DaysWhoseSecretLogsInAndLeavesThePageAfterDone() throws Exception {
        browser.button("Create token").click();
        browser.field("Name").sendKeys("ci-pull");
        browser.field("Description").sendKeys("CI pulls for the nightly build");
        assertEquals("30", browser.field("Days").getAttribute("value"));
        assertTrue(browser.driver.findElement(By.cssSelector("input[name=permission][value=PULL]")).isSelected(), "Pull is the default");
        browser.screenshot("create-dialog");
        assertEquals(List.of(), browser.accessibilityViolations(), "the create dialog");
        browser.button("Create").click();

        String[] created = readSecretDialog();
        pullSecret = created[1];
        assertEquals(ACCOUNT + "+ci-pull", created[0]);
        assertTrue(pullSecret.startsWith("rgt_"));
        assertTrue(browser.driver.getPageSource().contains("You will not be able to see this token again"));
        assertEquals("docker login 127.0.0.1:5000 -u " + ACCOUNT + "+ci-pull --password-stdin",
                browser.driver.findElement(By.id("secret-login")).getText());
        browser.driver.findElement(By.cssSelector("[data-copy=secret-value]")).click();
        assertTrue(browser.await(By.id("copy-status")).getText().startsWith("Token "), "copying says what happened");
        browser.screenshot("created-token-dialog");
        assertEquals(List.of(), browser.accessibilityViolations(), "the created-token dialog");
        assertTrue(logsIn(created[0], pullSecret), "the secret from the dialog logs in to the registry");

        browser.button("Done").click();
        browser.awaitGone(By.id("secret-dialog"));
        assertFalse(everythingInThePage().contains(pullSecret), "the secret is gone from the page");
        assertTrue(browser.cell("ci-pull", "Expires").contains("in 30 days"), browser.cell("ci-pull", "Expires"));
        assertEquals("Pull", browser.cell("ci-pull", "Permission"));
    }

    @Test
    @Order(4)
    void createsAPullAndPushTokenThatNeverExpiresAndListsBoth() throws Exception {
        browser.button("Create token").click();
        browser.field("Name").sendKeys("ci-push");
        browser.choice("Never expires").click();
        browser.choice("Pull & Push").click();
        assertFalse(browser.field("Days").isEnabled(), "no days for a token that never expires");
        browser.button("Create").click();
        String[] created = readSecretDialog();
        browser.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        browser.awaitGone(By.id("secret-dialog"));
        assertFalse(everythingInThePage().contains(created[1]), "Escape drops the secret as Done does");

        assertEquals("Never", browser.cell("ci-push", "Expires"));
        assertEquals("Pull & Push", browser.cell("ci-push", "Permission"));
        assertEquals("Enabled", browser.cell("ci-push", "Status"));
        assertEquals(List.of("Name", "Username", "Permission", "Status", "Expires", "Last used", "Created", "Description", "Actions"),
                browser.driver.findElements(By.cssSelector("thead th")).stream().map(th -> th.getDomProperty("textContent").strip()).toList());
        assertEquals(2, browser.driver.findElements(By.cssSelector("tbody tr")).size());
        String created1 = browser.row("ci-pull").findElement(By.cssSelector("td[data-label=Created] time")).getAttribute("title");
        assertTrue(created1.matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC"), created1);
        browser.screenshot("list");
        assertEquals(List.of(), browser.accessibilityViolations(), "the list");
    }

    @Test
    @Order(5)
    void aDuplicateNameShowsTheApiMessageNextToName() {
        browser.button("Create token").click();
        browser.field("Name").sendKeys("ci-pull");
        browser.button("Create").click();
        String message = browser.await(By.id("name-error")).getText();
        assertEquals("A token named 'ci-pull' already exists (its username " + ACCOUNT + "+ci-pull is taken).", message);
        assertEquals("true", browser.field("Name").getAttribute("aria-invalid"));
        assertTrue(browser.field("Name").getAttribute("aria-describedby").contains("name-error"));
        browser.button("Cancel").click();
        browser.awaitGone(By.id("token-dialog"));
    }

    @Test
    @Order(6)
    void editChangesThePermission() throws Exception {
        browser.button("Actions for ci-pull").click();
        browser.await(By.cssSelector("#actions-menu"));
        assertEquals(List.of("Edit", "Reset", "Disable", "Delete"), browser.driver.findElements(By.cssSelector("#actions-menu [role=menuitem]"))
                .stream().filter(item -> item.isDisplayed()).map(item -> item.getText()).toList());
        browser.screenshot("action-menu");
        browser.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        browser.awaitGone(By.id("actions-menu"));
        assertEquals("Actions for ci-pull", browser.driver.switchTo().activeElement().getAccessibleName(), "focus returns to the menu's button");

        act("ci-pull", "Edit", false);
        assertTrue(browser.driver.findElement(By.cssSelector("input[name=permission][value=PULL]")).isSelected(), "filled in");
        assertEquals("CI pulls for the nightly build", browser.field("Description").getAttribute("value"));
        browser.choice("Pull & Push").click();
        browser.button("Update").click();
        browser.awaitGone(By.id("token-dialog"));
        browser.await(By.xpath("//tr[td[@data-label='Name'][.='ci-pull']]/td[@data-label='Permission'][.='Pull & Push']"));
        assertTrue(browser.cell("ci-pull", "Expires").contains("in 30 days"), "an edit of the permission keeps the expiry");
    }

    @Test
    @Order(7)
    void resetShowsTheNewSecretOnceAndRefusesTheOldOne() throws Exception {
        act("ci-pull", "Reset", true);
        String[] reset = readSecretDialog();
        browser.button("Done").click();
        browser.awaitGone(By.id("secret-dialog"));
        assertFalse(everythingInThePage().contains(reset[1]));
        assertFalse(logsIn(reset[0], pullSecret), "the old secret is refused");
        assertTrue(logsIn(reset[0], reset[1]), "the new secret logs in");
        pullSecret = reset[1];
    }

    @Test
    @Order(8)
    void disableAndEnable() throws Exception {
        act("ci-pull", "Disable", true);
        browser.await(By.xpath("//tr[td[@data-label='Name'][.='ci-pull']]/td[@data-label='Status'][.='Disabled']"));
        assertFalse(logsIn(ACCOUNT + "+ci-pull", pullSecret), "a disabled token is refused");
        act("ci-pull", "Enable", true);
        browser.await(By.xpath("//tr[td[@data-label='Name'][.='ci-pull']]/td[@data-label='Status'][.='Enabled']"));
        assertTrue(logsIn(ACCOUNT + "+ci-pull", pullSecret), "an enabled token logs in again");
    }

    @Test
    @Order(9)
    void aTokenChangedElsewhereIsReportedWithAReload() throws Exception {
        act("ci-push", "Edit", false);
        String bearer = api.bearerFor(ACCOUNT, ACCOUNT);
        String id = api.call("GET", "/tokens", bearer, null).body().get("items").valueStream()
                .filter(token -> token.get("name").asText().equals("ci-push")).findFirst().orElseThrow().get("id").asText();
        assertEquals(200, api.call("PATCH", "/tokens/" + id, bearer, "{\"description\":\"changed elsewhere\"}").status());
        browser.choice("Pull").click();
        browser.button("Update").click();
        assertEquals("This token was changed elsewhere. Reload to see its current state.", browser.await(By.id("page-alert-text")).getText());
        browser.button("Reload").click();
        browser.await(By.xpath("//tr[td[@data-label='Name'][.='ci-push']]/td[@data-label='Description'][.='changed elsewhere']"));
        assertEquals("Pull & Push", browser.cell("ci-push", "Permission"), "the stale edit changed nothing");
    }

    @Test
    @Order(10)
    void deleteRemovesTheRowAndTheLogin() throws Exception {
        act("ci-pull", "Delete", true);
        browser.awaitGone(By.xpath("//tbody/tr[td[@data-label='Name'][.='ci-pull']]"));
        assertFalse(logsIn(ACCOUNT + "+ci-pull", pullSecret), "a deleted token is refused");
    }

    @Test
    @Order(11)
    void fitsA375PixelScreenWithLongNames() throws Exception {
        String longName = "a-very-long-token-name-that-goes-on-and-on-" + "x".repeat(20);
        browser.button("Create token").click();
        browser.field("Name").sendKeys(longName);
        browser.field("Description").sendKeys("a description without spaces ".replace(' ', '-').repeat(8));
        browser.button("Create").click();
        readSecretDialog();
        browser.button("Done").click();
        browser.awaitGone(By.id("secret-dialog"));
        browser.resize(375, 800);
        browser.row(longName);
        assertEquals(Boolean.TRUE, browser.script("return document.documentElement.scrollWidth <= document.documentElement.clientWidth"),
                "nothing is wider than the screen");
        browser.screenshot("list-375px");
        browser.resize(1280, 900);
    }
}
