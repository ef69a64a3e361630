package dev.parley.console;

import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.Function;

/** Headless Chromium (Debian's chromium and chromium-driver) signed in to the console as one owner. */
final class ConsoleBrowser implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final WebDriver driver;
    private final String base;
    private final ConsoleAccounts.Owner owner;

    private ConsoleBrowser(WebDriver driver, URL base, ConsoleAccounts.Owner owner) {
        this.driver = driver;
        // localhost, not 127.0.0.1: Chromium keeps the Secure session cookie on localhost over plain HTTP
        this.base = base.toString().replaceFirst("/$", "").replace("127.0.0.1", "localhost");
        this.owner = owner;
    }

    /** A new browser signed in as a new owner; {@code base} is the application's root URL. */
    static ConsoleBrowser signedIn(URL base) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        try {
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--window-size=1200,900", "--user-data-dir=" + Files.createTempDirectory("parley-chromium"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        ConsoleBrowser browser = new ConsoleBrowser(new ChromeDriver(service, options), base, ConsoleAccounts.newOwner());
        browser.open("/console/sign-in");
        browser.driver.findElement(By.id("email")).sendKeys(browser.owner.email());
        browser.driver.findElement(By.id("password")).sendKeys(ConsoleAccounts.PASSWORD);
        browser.driver.findElement(By.id("sign-in")).click();
        browser.waitFor(b -> b.getCurrentUrl().endsWith("/console"));
        return browser;
    }

    WebDriver driver() {
        return driver;
    }

    ConsoleAccounts.Owner owner() {
        return owner;
    }

    void open(String path) {
        driver.get(base + path);
    }

    /** Waits until {@code condition} answers true or a value, ignoring elements not there yet or replaced. */
    <T> T waitFor(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, TIMEOUT).ignoring(NoSuchElementException.class)
                .ignoring(StaleElementReferenceException.class).until(b -> {
                    T value = condition.apply(b);
                    return value instanceof Boolean flag ? (flag ? value : null) : value;
                });
    }

    /** Saves what the browser shows as {@code target/screenshots/<name>.png}. */
    void screenshot(String name) {
        try {
            Path dir = Path.of("target/screenshots");
            Files.createDirectories(dir);
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
