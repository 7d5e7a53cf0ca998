/**
 * Memory management: the frame allocator, Sv48 page tables in emulated RAM, and address spaces
 * (VMAs + demand paging). Invariant: every frame is owned by exactly one of the allocator's free
 * set, a page table (as a table), or one leaf PTE. Lock order: AddressSpace → FrameAllocator.
 */
package fornax.kernel.mm;
