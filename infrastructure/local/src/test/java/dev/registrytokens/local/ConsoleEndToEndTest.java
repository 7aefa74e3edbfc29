package dev.registrytokens.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.registrytokens.core.TokenRecord;
import dev.registrytokens.testkit.AwsEmulator;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The web console in a real headless Chromium, on the local API as ./dev up runs it: served from another origin than
 * the API's (http://localhost:PORT against http://127.0.0.1:PORT), so that every call is cross-origin and passes
 * the gateway's CORS preflight, as deployed; signed in through the dev issuer's OIDC flow, every action done by
 * clicking what a person sees, each secret it shows checked against a real registry with skopeo. The tests run in
 * order, as one person's session.
 */
@Tag("machine")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleEndToEndTest {
    private static final Path SCREENSHOTS = Path.of("target/screenshots");
    private static final String ACCOUNT = "console" + UUID.randomUUID().toString().substring(0, 8);
    private static LocalApiProcess api;
    private static RegistryProcess registry;
    private static ConsoleBrowser browser;
    private static Skopeo skopeo;
    private static String pullSecret;
    // A team namespace shared by an owner, a member and a viewer; the member only views a second one.
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String TEAM = "team" + SUFFIX;
    private static final String SIDE = "side" + SUFFIX;
    private static final String OWNER = "owner" + SUFFIX;
    private static final String MEMBER = "member" + SUFFIX;
    private static final String VIEWER = "viewer" + SUFFIX;
    private static final String MEMBER_MEMBERSHIPS = TEAM + ":member " + SIDE + ":viewer";
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

    /** Signs out (when signed in) and signs in again through the dev issuer's form, with these memberships only. */
    private void signInWithMemberships(String account, String memberships) {
        if (browser.driver.findElement(By.id("sign-out")).isDisplayed()) {
            browser.button("Sign out").click();
        }
        browser.button("Sign in").click();
        browser.field("Sign in as ACCOUNT").sendKeys(account);
        browser.driver.findElement(By.id("namespaces")).sendKeys(memberships);
        browser.button("Sign in").click();
        browser.await(By.id("namespace-switcher"));
    }

    /** The switcher's options as shown, and the namespace chosen. */
    private List<String> switcherOptions() {
        return new Select(browser.driver.findElement(By.id("namespace"))).getOptions().stream().map(WebElement::getText).toList();
    }

    private String selectedNamespace() {
        return new Select(browser.driver.findElement(By.id("namespace"))).getFirstSelectedOption().getDomProperty("value");
    }

    private void switchTo(String namespace) {
        new Select(browser.driver.findElement(By.id("namespace"))).selectByValue(namespace);
        browser.await(By.xpath("//p[@id='role-hint'][contains(., ' of " + namespace + ":')]"));
    }

    @Test
    @Order(17)
    void aViewerSeesTheNamespacesActivityNewestFirstAndOneTokensAlone() throws Exception {
        signInWithMemberships(VIEWER, TEAM + ":viewer");
        browser.row("owner-token");
        browser.button("Activity").click();
        browser.await(By.cssSelector("#activity-list > li"));
        assertEquals("Activity in " + TEAM, browser.driver.findElement(By.id("activity-title")).getText());
        List<String> all = activityLines();
        assertTrue(all.stream().anyMatch(line -> line.contains(MEMBER + " (member) created member-rules")), all.toString());
        assertTrue(all.stream().anyMatch(line -> line.contains("created owner-token")), all.toString());
        browser.screenshot("activity");
        assertEquals(List.of(), browser.accessibilityViolations(), "the activity dialog");

        browser.button("Activity of member-rules").click();
        browser.await(By.xpath("//h2[@id='activity-title'][.='Activity of member-rules']"));
        browser.await(By.cssSelector("#activity-list > li"));
        List<String> ofToken = activityLines();
        assertFalse(ofToken.isEmpty());
        assertTrue(ofToken.stream().allMatch(line -> line.contains("member-rules")), ofToken.toString());
        assertTrue(ofToken.getLast().contains("created member-rules"), "newest first: the create is last " + ofToken);
        browser.driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
        browser.awaitGone(By.id("activity-dialog"));
    }

    /** The first line of each change the activity dialog lists. */
    private List<String> activityLines() {
        return browser.driver.findElements(By.cssSelector("#activity-list > li > p")).stream().map(WebElement::getText).toList();
    }

    /** The names of the tokens listed, once the list shows (the empty state counts as none). */
    private List<String> listedNames() {
        browser.await(By.cssSelector("#token-table:not([hidden]), #empty:not([hidden])"));
        return browser.driver.findElements(By.cssSelector("tbody td[data-label=Name]")).stream().map(WebElement::getText).toList();
    }

    /** The names of the tokens whose row offers an actions menu. */
    private List<String> namesWithActions() {
        return browser.driver.findElements(By.cssSelector("tbody button.dots")).stream()
                .map(button -> button.getAccessibleName().replaceFirst("^Actions for ", "")).sorted().toList();
    }

    /** The form's repository row (from 0): its pattern input, its permission select, its own error slots. */
    private WebElement ruleRow(int index) {
        return browser.await(By.cssSelector("#rule-list > li:nth-child(" + (index + 1) + ")"));
    }

    private void fillRule(int index, String pattern, String permission) {
        WebElement input = ruleRow(index).findElement(By.cssSelector("input[name=pattern]"));
        input.clear();
        input.sendKeys(pattern);
        new Select(ruleRow(index).findElement(By.tagName("select"))).selectByVisibleText(permission);
    }

    private JsonNode tokenByName(String bearer, String namespace, String name) throws Exception {
        return api.call("GET", "/namespaces/" + namespace + "/tokens", bearer, null).body().get("items").valueStream()
                .filter(token -> token.get("name").asText().equals(name)).findFirst().orElseThrow();
    }

    @Test
    @Order(1)
    void servesTheConsoleWithAStrictContentSecurityPolicyAndAnAccessLine() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(api.consoleUri("/console/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertTrue(policy.contains("script-src 'self';") && !policy.contains("unsafe-inline"), policy);
            assertTrue(policy.contains("connect-src 'self' http://127.0.0.1:" + api.port + " http://127.0.0.1:" + api.issuerPort + ";"),
                    "exactly the API and the issuer besides its own origin: " + policy);
            JsonNode config = new com.fasterxml.jackson.databind.ObjectMapper().readTree(http.send(HttpRequest.newBuilder(
                    api.consoleUri("/console/config.json")).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertEquals(api.uri("").toString(), config.get("apiUrl").asText(), "the API is on another origin");
            assertEquals("registry-tokens/manage", config.get("scope").asText());
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
    void signsInThroughTheDevIssuerAndShowsTheEmptyStateCallingTheApiFromAnotherOrigin() throws Exception {
        browser.driver.get(api.consoleUri("/console/").toString());
        browser.button("Sign in").click();
        browser.field("Sign in as ACCOUNT").sendKeys(ACCOUNT);
        browser.button("Sign in").click();
        browser.await(By.id("empty"));
        assertEquals("Access Tokens", browser.driver.getTitle());
        assertEquals(api.consoleUri("/console/").toString(), browser.driver.getCurrentUrl(), "the code left the address bar");
        assertEquals(api.consoleOrigin(), browser.script("return location.origin"));
        assertTrue(api.accessLines().stream().anyMatch(line -> line.method().equals("OPTIONS")
                        && line.path().equals("/namespaces/" + ACCOUNT + "/tokens") && line.status() == 204),
                "the list came cross-origin, after the gateway answered the browser's preflight");
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
        assertEquals(List.of("Name", "Username", "Permission", "Repositories", "Status", "Expires", "Last used", "Created",
                        "Created by", "Description", "Actions"),
                browser.driver.findElements(By.cssSelector("table:not(#policy-violations) thead th")).stream().map(th -> th.getDomProperty("textContent").strip()).toList());
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
        assertEquals(List.of("Edit", "Activity", "Reset", "Disable", "Delete"), browser.driver.findElements(By.cssSelector("#actions-menu [role=menuitem]"))
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

    @Test
    @Order(12)
    void aMemberCreatesATokenWithRepositoryRulesThroughTheFormAndAFieldErrorShowsAtItsRow() throws Exception {
        browser.resize(1280, 900);
        signInWithMemberships(MEMBER, MEMBER_MEMBERSHIPS);
        switchTo(TEAM);
        assertEquals(List.of(), listedNames(), "a new namespace has no tokens");
        browser.button("Create token").click();
        browser.field("Name").sendKeys("member-rules");
        browser.choice("Pull & Push").click();
        assertTrue(browser.driver.findElement(By.cssSelector("input[name=repositories][value=all]")).isSelected(),
                "All repositories is the default");
        assertFalse(browser.driver.findElement(By.id("rules")).isDisplayed(), "no rows for all repositories");
        browser.choice("Only these repositories").click();
        fillRule(0, "app", "Pull & Push");
        browser.button("Add repository").click();
        fillRule(1, "Not A Pattern", "Pull");
        WebElement secondPattern = ruleRow(1).findElement(By.cssSelector("input[name=pattern]"));
        assertEquals("Pattern of repository 2", secondPattern.getAccessibleName());
        assertEquals("Remove repository 2", ruleRow(1).findElement(By.cssSelector(".remove-rule")).getAccessibleName());
        browser.screenshot("create-dialog-repositories");
        assertEquals(List.of(), browser.accessibilityViolations(), "the create dialog with repository rows");

        // The API's own answer to the same rules, for the message the console must show next to row 2's pattern.
        var refused = api.call("POST", "/namespaces/" + TEAM + "/tokens", api.bearerWithMemberships(MEMBER, MEMBER_MEMBERSHIPS),
                "{\"name\":\"member-rules\",\"permission\":\"PULL_PUSH\",\"expiresInDays\":30,\"repositories\":["
                        + "{\"pattern\":\"app\",\"permission\":\"PULL_PUSH\"},{\"pattern\":\"Not A Pattern\",\"permission\":\"PULL\"}]}");
        assertEquals(400, refused.status());
        assertEquals("repositories[1].pattern", refused.body().get("error").get("field").asText());
        browser.button("Create").click();
        WebElement error = browser.await(By.cssSelector("#rule-list > li:nth-child(2) [data-id=pattern-error]"));
        assertEquals(refused.body().get("error").get("message").asText(), error.getText());
        assertEquals("true", secondPattern.getAttribute("aria-invalid"));
        assertTrue(secondPattern.getAttribute("aria-describedby").contains(error.getAttribute("id")), "the input names its error");
        assertEquals(secondPattern, browser.driver.switchTo().activeElement(), "focus goes to the field named");
        assertFalse(ruleRow(0).findElement(By.cssSelector("[data-id=pattern-error]")).isDisplayed(), "row 1 has no error");

        fillRule(1, "team/**", "Pull");
        browser.button("Create").click();
        String[] created = readSecretDialog();
        assertEquals(TEAM + "+member-rules", created[0]);
        browser.button("Done").click();
        browser.awaitGone(By.id("secret-dialog"));

        assertEquals("app Pull & Push\nteam/** Pull", browser.cell("member-rules", "Repositories"));
        assertEquals(MEMBER + " (you)", browser.cell("member-rules", "Created by"));
        JsonNode stored = tokenByName(api.bearerWithMemberships(MEMBER, MEMBER_MEMBERSHIPS), TEAM, "member-rules");
        assertEquals("[{\"pattern\":\"app\",\"permission\":\"PULL_PUSH\"},{\"pattern\":\"team/**\",\"permission\":\"PULL\"}]",
                stored.get("repositories").toString());
        assertEquals(MEMBER, stored.get("createdBy").asText());
        browser.screenshot("list-repositories");
        assertEquals(List.of(), browser.accessibilityViolations(), "the list with repository rules");
    }

    @Test
    @Order(13)
    void theSwitcherListsTheNamespacesOfGetNamespacesAndSwitchingChangesTheList() throws Exception {
        String owner = api.bearerWithMemberships(OWNER, SIDE + ":owner");
        assertEquals(201, api.call("POST", "/namespaces/" + SIDE + "/tokens", owner,
                "{\"name\":\"side-token\",\"permission\":\"PULL\",\"expiresInDays\":7}").status());
        JsonNode namespaces = api.call("GET", "/namespaces", api.bearerWithMemberships(MEMBER, MEMBER_MEMBERSHIPS), null).body();
        List<String> expected = namespaces.get("items").valueStream()
                .map(item -> item.get("namespace").asText() + " (" + item.get("role").asText() + ")").toList();
        assertEquals(List.of(SIDE + " (viewer)", TEAM + " (member)"), expected, "GET /namespaces: the member's two, sorted");
        browser.driver.navigate().refresh();
        browser.await(By.id("namespace-switcher"));
        assertEquals(expected, switcherOptions());
        assertEquals(TEAM, selectedNamespace(), "a reload keeps the namespace chosen");
        assertEquals(List.of("member-rules"), listedNames());

        switchTo(SIDE);
        browser.row("side-token");
        assertEquals(List.of("side-token"), listedNames());
        assertFalse(browser.driver.findElement(By.id("create")).isDisplayed(), "a viewer of " + SIDE + " gets no +");
        assertEquals(List.of(), namesWithActions());
        assertEquals("You are a viewer of " + SIDE + ": you see its tokens; its members and owners change them.",
                browser.driver.findElement(By.id("role-hint")).getText());
        assertEquals(OWNER, browser.cell("side-token", "Created by"));

        switchTo(TEAM);
        browser.row("member-rules");
        assertEquals(List.of("member-rules"), listedNames());
        assertTrue(browser.driver.findElement(By.id("create")).isDisplayed());
        assertEquals(List.of(), browser.accessibilityViolations(), "the page with the switcher");
    }

    @Test
    @Order(14)
    void anOwnerSeesTheMembersTokenAndIsOfferedActionsOnEveryToken() throws Exception {
        String owner = api.bearerWithMemberships(OWNER, TEAM + ":owner");
        assertEquals(201, api.call("POST", "/namespaces/" + TEAM + "/tokens", owner,
                "{\"name\":\"owner-token\",\"permission\":\"PULL\",\"expiresInDays\":7}").status());
        signInWithMemberships(OWNER, TEAM + ":owner");
        assertEquals(List.of(TEAM + " (owner)"), switcherOptions());
        browser.row("owner-token");
        assertEquals(List.of("member-rules", "owner-token"), listedNames().stream().sorted().toList());
        assertEquals(MEMBER, browser.cell("member-rules", "Created by"));
        assertEquals(OWNER + " (you)", browser.cell("owner-token", "Created by"));
        assertEquals(List.of("member-rules", "owner-token"), namesWithActions(), "an owner acts on every token");
        assertTrue(browser.driver.findElement(By.id("create")).isDisplayed());

        // The owner narrows the member's token: the second rule goes, the first becomes Pull.
        act("member-rules", "Edit", false);
        assertTrue(browser.driver.findElement(By.cssSelector("input[name=repositories][value=rules]")).isSelected(), "filled in");
        assertEquals("team/**", ruleRow(1).findElement(By.cssSelector("input[name=pattern]")).getDomProperty("value"));
        assertEquals(List.of(), browser.accessibilityViolations(), "the edit dialog with repository rows");
        ruleRow(1).findElement(By.cssSelector(".remove-rule")).click();
        assertEquals(1, browser.driver.findElements(By.cssSelector("#rule-list > li")).size());
        fillRule(0, "app", "Pull");
        browser.button("Update").click();
        browser.awaitGone(By.id("token-dialog"));
        browser.await(By.xpath("//tr[td[@data-label='Name'][.='member-rules']]/td[@data-label='Repositories'][.='app Pull']"));
        assertEquals("[{\"pattern\":\"app\",\"permission\":\"PULL\"}]",
                tokenByName(owner, TEAM, "member-rules").get("repositories").toString());
        assertEquals("All", browser.cell("owner-token", "Repositories"));
        browser.screenshot("list-owner");
    }

    @Test
    @Order(15)
    void aMemberSeesTheOwnersTokenButIsOfferedActionsOnlyOnTheirOwn() {
        signInWithMemberships(MEMBER, MEMBER_MEMBERSHIPS);
        switchTo(TEAM);
        browser.row("owner-token");
        assertEquals(List.of("member-rules", "owner-token"), listedNames().stream().sorted().toList());
        assertEquals(OWNER, browser.cell("owner-token", "Created by"));
        assertEquals(List.of("member-rules"), namesWithActions(), "a member acts only on the tokens they created");
        assertTrue(browser.driver.findElement(By.id("create")).isDisplayed(), "a member creates tokens");
        assertEquals("You are a member of " + TEAM + ": you create tokens and manage the ones you created.",
                browser.driver.findElement(By.id("role-hint")).getText());
    }

    @Test
    @Order(16)
    void aViewerSeesEveryTokenButNoPlusAndNoActions() throws Exception {
        signInWithMemberships(VIEWER, TEAM + ":viewer");
        browser.row("owner-token");
        assertEquals(List.of("member-rules", "owner-token"), listedNames().stream().sorted().toList());
        assertFalse(browser.driver.findElement(By.id("create")).isDisplayed(), "no +");
        assertEquals(List.of(), namesWithActions(), "no actions");
        assertEquals(0, browser.driver.findElements(By.cssSelector("tbody td.actions")).size(), "no actions column");
        assertFalse(browser.driver.findElement(By.id("actions-header")).isDisplayed());
        browser.screenshot("list-viewer");
        assertEquals(List.of(), browser.accessibilityViolations(), "a viewer's list");
    }

    @Test
    @Order(17)
    void rowsShowLastUseWithItsSourceTheDetailItsFiveSourcesAndRefusalsAndSoonExpiringTokensAreMarked() throws Exception {
        String owner = api.bearerWithMemberships(OWNER, TEAM + ":owner");
        String id = tokenByName(owner, TEAM, "owner-token").get("id").asText();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Map<String, AttributeValue> sources = new HashMap<>();
        for (int i = 2; i <= 7; i++) { // six sources: the oldest, 127.0.0.2, is not shown
            String ip = "127.0.0." + i;
            sources.put(ip, AttributeValue.fromM(Map.of("ip", AttributeValue.fromS(ip), "client", AttributeValue.fromS("docker/28." + i),
                    "at", AttributeValue.fromS(now.minusSeconds(60L * (8 - i)).toString()))));
        }
        long hour = now.getEpochSecond() / 3600;
        var usage = AttributeValue.fromM(Map.of("sources", AttributeValue.fromM(sources),
                "refusals", AttributeValue.fromM(Map.of(hour + "#bad_secret", AttributeValue.fromN("2"), hour + "#disabled", AttributeValue.fromN("1"))),
                "lastRefusal", AttributeValue.fromM(Map.of("ip", AttributeValue.fromS("198.51.100.7"), "client", AttributeValue.fromS("skopeo"),
                        "reason", AttributeValue.fromS("disabled"), "at", AttributeValue.fromS(now.toString())))));
        try (var dynamoDb = AwsEmulator.stack().dynamoDb()) {
            dynamoDb.updateItem(update -> update.tableName(AwsEmulator.stack().tableName())
                    .key(Map.of("pk", AttributeValue.fromS(TokenRecord.partitionKey(TEAM)), "sk", AttributeValue.fromS(TokenRecord.sortKey(id))))
                    .updateExpression("SET #usage = :usage, lastUsedAt = :at").expressionAttributeNames(Map.of("#usage", "usage"))
                    .expressionAttributeValues(Map.of(":usage", usage, ":at", AttributeValue.fromS(now.minusSeconds(60).toString()))));
        }
        signInWithMemberships(VIEWER, TEAM + ":viewer"); // the list read again, as the viewer sees it
        browser.row("owner-token");

        assertTrue(browser.cell("owner-token", "Last used").contains("127.0.0.7 · docker/28.7"), browser.cell("owner-token", "Last used"));
        assertTrue(browser.cell("owner-token", "Last used").contains("3 refused (24 h)"), browser.cell("owner-token", "Last used"));
        assertEquals(1, browser.row("owner-token").findElements(By.cssSelector("td[data-label=Expires] .badge.expiring")).size(),
                "a token expiring within 7 days is marked");
        assertEquals(0, browser.row("member-rules").findElements(By.cssSelector(".badge.expiring")).size(), "one in 30 days is not");

        browser.row("owner-token").findElement(By.cssSelector("details.usage summary")).click();
        List<String> shown = browser.row("owner-token").findElements(By.cssSelector("ol.usage-sources li")).stream()
                .map(WebElement::getText).map(text -> text.substring(0, text.indexOf(','))).toList();
        assertEquals(List.of("127.0.0.7 · docker/28.7", "127.0.0.6 · docker/28.6", "127.0.0.5 · docker/28.5", "127.0.0.4 · docker/28.4",
                "127.0.0.3 · docker/28.3"), shown, "the five recent sources, newest first");
        assertEquals("3 refused in the last 24 hours: wrong secret 2, disabled 1.",
                browser.row("owner-token").findElement(By.cssSelector(".usage-refusals")).getText());
        assertTrue(browser.row("owner-token").findElement(By.cssSelector(".usage-last-refusal")).getText()
                .startsWith("Last refused: 198.51.100.7 · skopeo, disabled, "));
        browser.screenshot("list-usage");
        assertEquals(List.of(), browser.accessibilityViolations(), "the list with a token's usage open");
    }

    @Test
    @Order(18)
    void anOwnerSetsAllowedSourcesAndResetsKeepingTheOldSecretForAnHour() throws Exception {
        String namespace = "grace" + SUFFIX;
        String owner = "grace-owner" + SUFFIX;
        signInWithMemberships(owner, namespace + ":owner");
        browser.button("Create token").click();
        browser.field("Name").sendKeys("fenced");
        browser.field("Allowed sources").sendKeys("not-a-block");
        browser.button("Create").click();
        WebElement error = browser.await(By.cssSelector("#allowed-sources-error:not([hidden])"));
        assertTrue(error.getText().startsWith("allowedSources entry 0 is not a CIDR block"), error.getText());
        assertEquals("true", browser.field("Allowed sources").getAttribute("aria-invalid"));
        browser.field("Allowed sources").clear();
        // skopeo reaches the token realm from 127.0.0.1, the API's own loopback peer.
        browser.field("Allowed sources").sendKeys("127.0.0.1\n2001:DB8::/32");
        browser.button("Create").click();
        String[] created = readSecretDialog();
        browser.button("Done").click();
        browser.awaitGone(By.id("secret-dialog"));
        String bearer = api.bearerWithMemberships(owner, namespace + ":owner");
        assertEquals("[\"127.0.0.1/32\",\"2001:db8::/32\"]", tokenByName(bearer, namespace, "fenced").get("allowedSources").toString());

        browser.button("Actions for fenced").click();
        browser.await(By.xpath("//*[@role='menu']//button[normalize-space()='Reset']")).click();
        browser.await(By.id("grace-field"));
        assertTrue(browser.driver.findElement(By.cssSelector("input[name=grace][value='0']")).isSelected(), "No is the default");
        browser.choice("1 hour").click();
        browser.screenshot("reset-grace");
        assertEquals(List.of(), browser.accessibilityViolations(), "the reset confirmation with its grace");
        browser.button("Reset").click();
        String[] reset = readSecretDialog();
        browser.button("Done").click();
        browser.awaitGone(By.id("secret-dialog"));

        assertTrue(logsIn(created[0], created[1]), "the old secret keeps working for the hour");
        assertTrue(logsIn(reset[0], reset[1]), "the new secret logs in");
        JsonNode stored = tokenByName(bearer, namespace, "fenced");
        assertEquals(Instant.parse(stored.get("updatedAt").asText()).plusSeconds(3600).getEpochSecond(),
                Instant.parse(stored.get("previousSecretExpiresAt").asText()).getEpochSecond(), 5, "an hour from the reset");
        assertTrue(browser.cell("fenced", "Status").contains("Old secret works until"), browser.cell("fenced", "Status"));
    }
}
