package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No test seam on the public production classes. The exported package has no public or
 * protected member named like a seam; the internal package's seams are package-private, reached
 * only by the jcstress and Lincheck tests that live in that package (other tests reach
 * package-private figures through probes in the test sources). Classes are read from the
 * kernel's compiled production classes.
 */
@Timeout(30)
class NoPublicTestSeamTest {

    /** Names that mark a member as a test seam. */
    private static final Pattern SEAM = Pattern.compile(
            "(?i).*(fortest|fortests|fortesting|testonly|withoutcarriers|seam).*");

    /** Proves the exported package has no public or protected member named like a test seam. */
    @Test
    void exportedPackageHasNoPublicSeam() throws Exception {
        List<String> found = new ArrayList<>();
        for (Class<?> c : productionClasses("dev/gepa/scheduler", false)) {
            for (Member m : members(c)) {
                int mod = m.getModifiers();
                if ((Modifier.isPublic(mod) || Modifier.isProtected(mod)) && SEAM.matcher(m.getName()).matches()) {
                    found.add(c.getName() + "." + m.getName());
                }
            }
        }
        assertTrue(found.isEmpty(), () -> "test seams in the exported API: " + found);
    }

    /**
     * Proves the few seams the internal package has (a carrier-less core, a carrier's take, run
     * and park check, driven by the jcstress and Lincheck tests that live in that package) are
     * package-private: no public or protected member of any production class, internal ones
     * included, is named like a seam, so no code outside the package can reach one.
     */
    @Test
    void everySeamIsPackagePrivate() throws Exception {
        List<String> found = new ArrayList<>();
        List<Class<?>> classes = new ArrayList<>(productionClasses("dev/gepa/scheduler", false));
        classes.addAll(productionClasses("dev/gepa/scheduler/internal", true));
        for (Class<?> c : classes) {
            for (Member m : members(c)) {
                int mod = m.getModifiers();
                if ((Modifier.isPublic(mod) || Modifier.isProtected(mod)) && SEAM.matcher(m.getName()).matches()) {
                    found.add(c.getName() + "." + m.getName());
                }
            }
        }
        assertTrue(found.isEmpty(), () -> "test seams reachable from outside the kernel's package: " + found);
    }

    private static List<Member> members(Class<?> c) {
        List<Member> all = new ArrayList<>();
        all.addAll(List.of(c.getDeclaredMethods()));
        all.addAll(List.of(c.getDeclaredFields()));
        all.addAll(List.of(c.getDeclaredConstructors()));
        return all;
    }

    /** The classes compiled from src/main in one package directory (not its subpackages). */
    private static List<Class<?>> productionClasses(String dir, boolean internal) throws Exception {
        Path root = Path.of(Scheduler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path pkg = root.resolve(dir);
        assertTrue(Files.isDirectory(pkg), () -> "no compiled production classes at " + pkg);
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.list(pkg)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String file = f.getFileName().toString();
                if (file.endsWith(".class") && !file.equals("package-info.class")) {
                    String name = dir.replace('/', '.') + "." + file.substring(0, file.length() - ".class".length());
                    classes.add(Class.forName(name, false, Scheduler.class.getClassLoader()));
                }
            }
        }
        assertTrue(!classes.isEmpty() || internal, () -> "no classes found in " + pkg);
        return classes;
    }
}
