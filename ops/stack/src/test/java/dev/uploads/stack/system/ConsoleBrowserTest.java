package dev.uploads.stack.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operators' console in a real headless Chromium (Debian's chromium and chromium-driver),
 * against the real API, worker, PostgreSQL and Kafka: the overview, a fingerprint group followed
 * through a pasted URL, a letter, a dry run that changes nothing, a replay with a reason watched
 * until its letters are resolved, the audit trail, and a viewer's key that may look but not act.
 * Each page is saved as a screenshot under {@code target/console-screenshots}.
 */
class ConsoleBrowserTest {
  private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static SystemHarness system;
  private static WebDriver browser;

  @BeforeAll
  static void start() throws Exception {
    system = SystemHarness.get();
    // The browser is part of this test's set-up, as PostgreSQL and Kafka are: installed when
    // missing, and the test fails (never skips) when it cannot be.
    Process install =
        new ProcessBuilder("bash", repository().resolve("ops/install-browser").toString())
            .inheritIO()
            .start();
    assertTrue(install.waitFor(10, TimeUnit.MINUTES), "ops/install-browser finished");
    assertEquals(0, install.exitValue(), "ops/install-browser installed chromium");
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1440,1000",
        "--user-data-dir=" + Files.createTempDirectory("console-browser"));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File("/usr/bin/chromedriver"))
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void anOperatorFollowsAFailureToItsLettersReplaysThemAndAViewerOnlyLooks() throws Exception {
    // Two uploads whose confirmation emails fail: one fingerprint, two letters.
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String broken = "console-" + tag + "@@example.test";
    Client client = system.newClient(broken);
    List<String> uploads =
        List.of(client.upload(Images.jpeg(64, 48)), client.upload(Images.jpeg(80, 60)));
    for (String upload : uploads) {
      SystemHarness.await(
          "the emails letter of " + upload,
          WAIT,
          () ->
              system.count(
                      "SELECT count(*) FROM dead_letters WHERE job = 'emails' AND event_key = ?",
                      upload)
                  == 1);
    }
    String fingerprint =
        text("SELECT fingerprint FROM dead_letters WHERE event_key = '" + uploads.get(0) + "'");
    Operator operator = new Operator(system, "console-" + tag);
    Operator.Run addViewer =
        operator.cli("--json", "operators", "add", "viewer-" + tag, "--role", "viewer");
    assertEquals(0, addViewer.exit(), addViewer.err());
    String viewerKey = addViewer.json().get("key").asText();

    // The overview, after signing in once.
    browser.get(system.apiAdmin("/console/"));
    signIn(operator.key);
    WebElement group = await(By.cssSelector("#groups tr[data-fingerprint='" + fingerprint + "']"));
    assertTrue(group.getText().contains("emails"), group.getText());
    await(By.cssSelector("#workers tbody tr"));
    await(By.id("outbox-depth"));
    screenshot("overview");

    // The group's link, pasted into the address bar as from an incident channel.
    String link = group.findElement(By.cssSelector("a.group-link")).getAttribute("href");
    assertTrue(link.contains("fingerprint=" + fingerprint), link);
    browser.navigate().to("about:blank");
    browser.navigate().to(link);
    await(By.cssSelector("#letters tbody tr"));
    assertEquals(2, browser.findElements(By.cssSelector("#letters tbody tr")).size());
    assertEquals("2 matching", browser.findElement(By.id("matching")).getText());
    screenshot("letters");

    // One letter in full.
    long letter = system.count("SELECT id FROM dead_letters WHERE event_key = ?", uploads.get(0));
    browser
        .findElement(By.cssSelector("#letters tr[data-letter='" + letter + "'] a.letter-link"))
        .click();
    WebElement payload = await(By.id("payload"));
    assertTrue(payload.getText().contains(uploads.get(0)), payload.getText());
    assertTrue(
        browser.findElement(By.id("kafka-position")).getText().startsWith("uploads partition"),
        browser.findElement(By.id("kafka-position")).getText());
    assertTrue(browser.findElement(By.id("attempts")).getText().contains("@@"));
    assertTrue(browser.findElement(By.id("headers")).getText().contains("event-type"));
    screenshot("letter");

    // A dry run of "all 2 matching": it shows what would be taken, and nothing changes.
    String before = state(uploads);
    browser.navigate().back();
    await(By.id("replay-all")).click();
    assertEquals("2", await(By.id("included")).getText());
    assertEquals("0", browser.findElement(By.id("excluded")).getText());
    assertFalse(browser.findElement(By.id("confirm")).isEnabled(), "no replay without a reason");
    screenshot("dry-run");
    assertEquals(before, state(uploads), "the dry run changed nothing");

    // The cause is fixed; the replay goes with a reason and is watched until resolved.
    String fixed = "console-" + tag + "@example.test";
    system.jdbi.useHandle(
        h -> h.execute("UPDATE accounts SET email = ? WHERE email = ?", fixed, broken));
    String reason = "address corrected " + tag;
    browser.findElement(By.id("reason")).sendKeys(reason);
    WebElement rate = browser.findElement(By.id("rate"));
    rate.clear();
    rate.sendKeys("20");
    browser.findElement(By.id("confirm")).click();
    new WebDriverWait(browser, WAIT)
        .until(ExpectedConditions.textToBe(By.id("outcome-resolved"), "2"));
    assertEquals("completed", browser.findElement(By.id("action-status")).getText());
    screenshot("replay");
    assertEquals(
        2,
        system.count(
            "SELECT count(*) FROM dead_letters WHERE status = 'resolved' AND event_key IN (?, ?)",
            uploads.get(0),
            uploads.get(1)));
    Client corrected = new Client(system, fixed, client.key());
    SystemHarness.await("both mails arrive", WAIT, () -> corrected.mailsReceived() == 2);

    // The audit trail, searched by the reason, names the operator.
    browser.findElement(By.cssSelector("#nav a[data-route='actions']")).click();
    await(By.id("audit-q")).sendKeys(tag);
    WebElement unfiltered = await(By.id("audit"));
    browser.findElement(By.cssSelector("#audit-search button[type='submit']")).click();
    new WebDriverWait(browser, WAIT).until(ExpectedConditions.stalenessOf(unfiltered));
    new WebDriverWait(browser, WAIT)
        .until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#audit tbody tr"), 1));
    WebElement row = browser.findElement(By.cssSelector("#audit tbody tr"));
    assertEquals(operator.name, row.findElement(By.className("operator")).getText());
    assertTrue(row.getText().contains(reason), row.getText());
    screenshot("audit");

    // A viewer sees the same pages, without the buttons that act, and the endpoint refuses them.
    browser.findElement(By.id("sign-out")).click();
    signIn(viewerKey);
    await(By.cssSelector("#groups tr[data-fingerprint='" + fingerprint + "']"));
    browser.navigate().to(link);
    await(By.cssSelector("#letters tbody tr"));
    assertTrue(browser.findElements(By.id("replay-all")).isEmpty(), "a viewer has no replay");
    assertTrue(browser.findElements(By.cssSelector("input.pick")).isEmpty());
    browser.navigate().to(system.apiAdmin("/console/#/letters/" + letter));
    await(By.id("payload"));
    assertTrue(browser.findElements(By.id("replay-letter")).isEmpty());
    screenshot("viewer-letter");
    Operator.Answer refused =
        operator.post("/replay", Map.of("ids", List.of(letter), "reason", "a viewer"), viewerKey);
    assertEquals(403, refused.status(), String.valueOf(refused.body()));
    JsonNode problem = refused.body();
    assertTrue(problem.get("detail").asText().contains("viewer"), problem.toString());
    Operator.Answer dryRun =
        operator.post("/replay", Map.of("ids", List.of(letter), "dry_run", true), viewerKey);
    assertEquals(409, dryRun.status(), "a viewer's dry run is answered: the letter is resolved");
  }

  private static void signIn(String key) {
    WebElement input = await(By.id("operator-key"));
    input.sendKeys(key);
    browser.findElement(By.cssSelector("#sign-in button[type='submit']")).click();
    await(By.id("operator-name"));
  }

  private static WebElement await(By what) {
    return new WebDriverWait(browser, WAIT)
        .until(ExpectedConditions.visibilityOfElementLocated(what));
  }

  private static void screenshot(String name) throws Exception {
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(
        shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  /** The letters and the audit trail as text: what a dry run must leave alone. */
  private static String state(List<String> uploads) {
    return system.jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT (SELECT string_agg(id || ':' || status || ':' || replay_count, ','"
                        + " ORDER BY id) FROM dead_letters WHERE event_key IN (<keys>))"
                        + " || '|' || (SELECT count(*) FROM dead_letter_actions)"
                        + " || '|' || (SELECT count(*) FROM dead_letter_action_items)")
                .bindList("keys", uploads)
                .mapTo(String.class)
                .one());
  }

  private static String text(String sql) {
    return system.jdbi.withHandle(h -> h.createQuery(sql).mapTo(String.class).one());
  }

  private static Path repository() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("ops/install-browser"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("ops/install-browser not found above " + Path.of(""));
    }
    return dir;
  }
}
