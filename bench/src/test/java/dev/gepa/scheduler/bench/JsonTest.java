package dev.gepa.scheduler.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Json}: parse and format read and write each other's output exactly. */
class JsonTest {
    /** A JMH-shaped record in the compact form {@link Json#format} writes. */
    static final String GOLDEN = "[{\"benchmark\":\"dev.gepa.scheduler.bench.ThroughputBenchmark.batch\","
            + "\"mode\":\"thrpt\",\"threads\":1,\"forks\":2,"
            + "\"params\":{\"executor\":\"kernel\",\"producers\":\"1\"},"
            + "\"primaryMetric\":{\"score\":2500000,\"scoreError\":\"NaN\",\"scoreUnit\":\"ops/s\","
            + "\"rawData\":[[2400000,2600000.5],[0.125,-3.0E-7]]},"
            + "\"secondaryMetrics\":{},\"note\":\"quote \\\" backslash \\\\ newline \\n tab \\t ctrl \\u0001\","
            + "\"flags\":[true,false,null]}]";

    @Test
    void goldenFormatsBackToItself() {
        assertEquals(GOLDEN, Json.format(Json.parse(GOLDEN)));
    }

    @Test
    void goldenParsesToTheExpectedValues() {
        Map<String, Object> run = Json.object(((List<?>) Json.parse(GOLDEN)).get(0));
        Map<String, Object> primary = Json.object(run.get("primaryMetric"));
        assertEquals(2_500_000.0, primary.get("score"));
        assertTrue(Double.isNaN(Json.number(primary.get("scoreError"))), "JMH's \"NaN\" string reads as NaN");
        assertEquals(List.of(List.of(2_400_000.0, 2_600_000.5), List.of(0.125, -3.0e-7)), primary.get("rawData"));
        assertEquals("quote \" backslash \\ newline \n tab \t ctrl \u0001", run.get("note"));
        assertEquals(java.util.Arrays.asList(true, false, null), run.get("flags"));
    }

    @Test
    void formattedValuesParseBackEqual() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pi", Math.PI);
        m.put("tiny", Double.MIN_VALUE);
        m.put("big", 1e300);
        m.put("whole", 42.0);
        m.put("negativeWhole", -7.0);
        m.put("text", "é ü \u2603 / \"");
        List<Object> list = new ArrayList<>();
        list.add(m);
        list.add(new ArrayList<>());
        list.add(new LinkedHashMap<>());
        list.add(null);
        assertEquals(list, Json.parse(Json.format(list)));
    }

    @Test
    void wholeNumbersHaveNoFraction() {
        assertEquals("[3,-3,0.5,1.0E300]", Json.format(List.of(3.0, -3.0, 0.5, 1e300)));
    }

    @Test
    void malformedInputNamesTheOffset() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1,}"));
        assertTrue(e.getMessage().contains("offset 7"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[1] 2"));
    }
}
