/**
 * Physical memory: lazily allocated 1 MiB chunks, little-endian, with plain and atomic accessors.
 * Kernel-side writes are reported to an observer (the code cache) so decoded code never goes stale.
 * No locks: chunk creation is a CAS; data races behave as on unsynchronised hardware.
 */
package fornax.machine.mem;
