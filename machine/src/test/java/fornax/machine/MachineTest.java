package fornax.machine;

import static fornax.machine.Rv.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fornax.machine.dev.MmioBus;
import fornax.machine.dev.PowerDevice;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The assembled board: device map, console and debug UARTs, power device, interrupts to harts. */
class MachineTest {

    private static Machine machine(int harts, ByteArrayOutputStream out, ByteArrayOutputStream err) {
        return new Machine(new Machine.Config(harts, 16L << 20, null, out, err));
    }

    @Test
    void ramAndHarts() {
        try (Machine m = machine(3, new ByteArrayOutputStream(), new ByteArrayOutputStream())) {
            assertEquals(Machine.RAM_BASE, m.ram().base());
            assertEquals(16L << 20, m.ram().size());
            assertEquals(3, m.hartCount());
            for (int i = 0; i < 3; i++) assertEquals(i, m.hart(i).id());
            assertFalse(m.isPoweredOff());
            assertEquals(-1, m.powerOffCode());
        }
    }

    @Test
    void consoleAndDebugUartsReachTheirHostStreams() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        Machine m = machine(1, out, err);
        MmioBus bus = m.bus();
        for (byte b : "hello".getBytes(StandardCharsets.US_ASCII)) bus.write8(Machine.UART0_BASE, b);
        for (byte b : "dbg".getBytes(StandardCharsets.US_ASCII)) bus.write8(Machine.UART1_BASE, b);
        m.close();                                        // flushes
        assertEquals("hello", out.toString(StandardCharsets.US_ASCII));
        assertEquals("dbg", err.toString(StandardCharsets.US_ASCII));
        assertEquals(0x70, bus.read8(Machine.UART0_BASE + 5) & 0x71, "no console input: THRE|TEMT|BI");
    }

    @Test
    void consoleInputReachesUart0() throws Exception {
        java.io.InputStream in = new java.io.ByteArrayInputStream("ok".getBytes(StandardCharsets.US_ASCII));
        try (Machine m = new Machine(new Machine.Config(1, 16L << 20, in, new ByteArrayOutputStream(),
                new ByteArrayOutputStream()))) {
            StringBuilder sb = new StringBuilder();
            long end = System.nanoTime() + 10_000_000_000L;
            while (sb.length() < 2 && System.nanoTime() < end) {
                if ((m.bus().read8(Machine.UART0_BASE + 5) & 1) != 0) sb.append((char) m.bus().read8(Machine.UART0_BASE));
                else Thread.sleep(1);
            }
            assertEquals("ok", sb.toString());
            while ((m.bus().read8(Machine.UART0_BASE + 5) & 0x10) == 0 && System.nanoTime() < end) Thread.sleep(1);
            assertEquals(0x10, m.bus().read8(Machine.UART0_BASE + 5) & 0x11, "EOF shows as break");
        }
    }

    @Test
    void rtcOnTheBus() {
        try (Machine m = machine(1, new ByteArrayOutputStream(), new ByteArrayOutputStream())) {
            Instant before = Instant.now();
            long lo = m.bus().read32(Machine.RTC_BASE) & 0xFFFFFFFFL;
            long hi = m.bus().read32(Machine.RTC_BASE + 4) & 0xFFFFFFFFL;
            Instant after = Instant.now();
            long t = hi << 32 | lo;
            assertTrue(t >= before.getEpochSecond() * 1_000_000_000L + before.getNano());
            assertTrue(t <= after.getEpochSecond() * 1_000_000_000L + after.getNano());
        }
    }

    @Test
    void unmappedPhysicalAddressesAreBusErrors() {
        try (Machine m = machine(1, new ByteArrayOutputStream(), new ByteArrayOutputStream())) {
            assertThrows(MmioBus.BusError.class, () -> m.bus().read32(0x2000_0000L));
            assertThrows(MmioBus.BusError.class, () -> m.bus().read32(Machine.RAM_BASE));
            assertThrows(MmioBus.BusError.class, () -> m.bus().read32(0));
            assertThrows(MmioBus.BusError.class, () -> m.bus().write32(Machine.UART0_BASE + 0x80, 0));
        }
    }

    @Test
    void powerDevicePowersOffWithExitCodes() {
        try (Machine m = machine(1, new ByteArrayOutputStream(), new ByteArrayOutputStream())) {
            m.bus().write32(Machine.POWER_BASE, 0x1234);               // not a command
            assertFalse(m.isPoweredOff());
            m.bus().write32(Machine.POWER_BASE, PowerDevice.PASS);
            assertTrue(m.isPoweredOff());
            assertEquals(0, m.powerOffCode());
        }
        try (Machine m = machine(1, new ByteArrayOutputStream(), new ByteArrayOutputStream())) {
            m.bus().write32(Machine.POWER_BASE, 3 << 16 | PowerDevice.FAIL);
            assertTrue(m.isPoweredOff());
            assertEquals(3, m.powerOffCode());
        }
        try (Machine m = machine(1, new ByteArrayOutputStream(), new ByteArrayOutputStream())) {
            m.bus().write32(Machine.POWER_BASE, PowerDevice.RESET);
            assertTrue(m.isPoweredOff());
            assertEquals(0x7777, m.powerOffCode());
        }
    }

    @Test
    void uartInterruptReachesTheEnabledHartThroughThePlic() {
        try (Guest g = new Guest(2, true)) {
            Machine m = g.machine;
            MmioBus bus = m.bus();
            bus.write32(Machine.PLIC_BASE + 4L * Machine.UART0_IRQ, 1);           // priority
            bus.write32(Machine.PLIC_BASE + 0x2000 + 0x80, 1 << Machine.UART0_IRQ); // enable for context 1 only
            bus.write8(Machine.UART0_BASE + 1, 0x02);                              // IER: THR empty
            long code = g.load(new Asm().i(addi(A0, ZERO, 1), ecall()).assemble());
            m.hart(0).setPc(code);
            Guest.expectEcall(m.hart(0).run());
            m.hart(1).setPc(code);
            Trap t = m.hart(1).run();
            assertEquals(Trap.EXTERNAL_INTERRUPT, t.cause(), t.describe());
            assertEquals(code, t.pc());
            assertEquals(Machine.UART0_IRQ, bus.read32(Machine.PLIC_BASE + 0x201004));   // claim, context 1
            bus.write8(Machine.UART0_BASE + 1, 0);
            bus.write32(Machine.PLIC_BASE + 0x201004, Machine.UART0_IRQ);          // complete
            assertEquals(0, bus.read32(Machine.PLIC_BASE + 0x201004));
            Guest.expectEcall(m.hart(1).run());
        }
    }
}
