/* Coredump writer for the lab, written from the format description:
 * 'ZE' stream (file header, Cortex-M arch block v2, optional 'T' block,
 * 'M' blocks) into a flash partition behind a 16-byte 'CD' header that is
 * written last, through a stream-flash-like buffer of CD_CHUNK bytes. */
#include <string.h>
#include "kernel.h"
#include "lab_config.h"

#define PART_SIZE   0x10000u
#define HDR_SIZE    16u          /* ROUND_UP(sizeof(flash header), write block 4) */
#define WRITE_BLOCK 4u
#define ENOMEM      12

struct arch_esf {
	uint32_t a1, a2, a3, a4, ip, lr, pc, xpsr;
};

extern uint32_t z_arm_coredump_fault_sp;
extern const uint32_t *z_arm_fault_callee;
extern uint8_t _image_ram_start[], _image_ram_end[];
extern uint8_t z_interrupt_stacks[];

/* ---- "flash": mps2 memory at 0 is RAM, so programming is a store ---- */
static void flash_write(uint32_t off, const void *data, uint32_t len)
{
	memcpy((void *)(PART_ADDR + off), data, len);
}

static void flash_flatten(uint32_t off, uint32_t len)
{
	memset((void *)(PART_ADDR + off), 0xFF, len);
}

/* ---- stream flash with a CD_CHUNK byte buffer ---- */
static struct {
	uint8_t buf[CD_CHUNK];
	uint32_t buf_bytes;
	uint32_t bytes_written;
	uint32_t offset;
	uint32_t available;
} sf;

static void sf_sync(void)
{
	uint32_t len = sf.buf_bytes;

	if (len % WRITE_BLOCK) {
		uint32_t fill = WRITE_BLOCK - len % WRITE_BLOCK;
		memset(sf.buf + len, 0xFF, fill);       /* erase value */
		len += fill;
	}
	flash_write(sf.offset + sf.bytes_written, sf.buf, len);
	sf.bytes_written += sf.buf_bytes;
	sf.buf_bytes = 0;
}

static int sf_buffered_write(const uint8_t *data, uint32_t len, int flush)
{
	uint32_t processed = 0;

	if (sf.bytes_written + sf.buf_bytes + len > sf.available) {
		return -ENOMEM;
	}
	while (len - processed >= CD_CHUNK - sf.buf_bytes) {
		uint32_t n = CD_CHUNK - sf.buf_bytes;
		memcpy(sf.buf + sf.buf_bytes, data + processed, n);
		sf.buf_bytes = CD_CHUNK;
		sf_sync();
		processed += n;
	}
	if (processed < len) {
		memcpy(sf.buf + sf.buf_bytes, data + processed, len - processed);
		sf.buf_bytes += len - processed;
	}
	if (flush && sf.buf_bytes > 0) {
		sf_sync();
	}
	return 0;
}

/* ---- flash partition backend ---- */
struct flash_hdr_t {
	char id[2];
	uint16_t hdr_version;
	uint32_t size;
	uint16_t flags;
	uint16_t checksum;
	int32_t error;
} __attribute__((packed));

static struct {
	uint16_t checksum;
	int error;
} backend_ctx;

/* word-wise copy so that system registers are read with 32-bit accesses */
static void copy_in(uint8_t *dst, const uint8_t *src, uint32_t n)
{
	while (n >= 4 && ((uintptr_t)src & 3) == 0) {
		uint32_t w = *(const volatile uint32_t *)src;
		memcpy(dst, &w, 4);
		dst += 4;
		src += 4;
		n -= 4;
	}
	while (n-- > 0) {
		*dst++ = *src++;
	}
}

static void backend_start(void)
{
	flash_flatten(0, PART_SIZE);
	sf.buf_bytes = 0;
	sf.bytes_written = 0;
	sf.offset = HDR_SIZE;
	sf.available = PART_SIZE - HDR_SIZE;
	backend_ctx.checksum = 0;
	backend_ctx.error = 0;
}

static void backend_buffer_output(const void *buf, uint32_t buflen)
{
	const uint8_t *ptr = buf;
	uint32_t remaining = buflen;
	uint8_t tmp_buf[CD_CHUNK];

	if (backend_ctx.error != 0) {
		return;
	}
	while (remaining > 0) {
		uint32_t copy_sz = remaining > CD_CHUNK ? CD_CHUNK : remaining;

		copy_in(tmp_buf, ptr, copy_sz);
		for (uint32_t i = 0; i < copy_sz; i++) {
			backend_ctx.checksum += tmp_buf[i];
		}
		backend_ctx.error = sf_buffered_write(tmp_buf, copy_sz, 0);
		if (backend_ctx.error != 0) {
			printk("E: Flash write error: %d\n", backend_ctx.error);
			break;
		}
		ptr += copy_sz;
		remaining -= copy_sz;
	}
}

/* offset (from the dump start) of the byte the corruption scenario damaged */
volatile uint32_t crashlab_corrupted_at;

static void backend_end(void)
{
	struct flash_hdr_t hdr;

	backend_ctx.error = sf_buffered_write(NULL, 0, 1);   /* flush; overwrites the error */
	hdr.id[0] = 'C';
	hdr.id[1] = 'D';
	hdr.hdr_version = 1;
	hdr.size = sf.bytes_written;
	hdr.flags = 0;
	hdr.checksum = backend_ctx.checksum;
	hdr.error = backend_ctx.error;
#if CD_END_MODE == 1
	/* power lost before the header was programmed: data there, header erased */
	printk("E: (lab) reset before the coredump header was written\n");
	return;
#endif
	flash_write(0, &hdr, sizeof(hdr));
#if CD_END_MODE == 2
	/* a flash bit that later flipped from 1 to 0 inside the dump data */
	for (uint32_t off = 0x100; off < hdr.size; off++) {
		volatile uint8_t *p = (volatile uint8_t *)(PART_ADDR + HDR_SIZE + off);
		if (*p != 0) {
			*p &= (uint8_t)(*p - 1);                    /* clear the lowest set bit */
			crashlab_corrupted_at = off;
			break;
		}
	}
#endif
}

/* ---- the 'ZE' stream ---- */
struct coredump_hdr_t {
	char id[2];
	uint16_t hdr_version;
	uint16_t tgt_code;
	uint8_t ptr_size_bits;
	uint8_t flag;
	uint32_t reason;
} __attribute__((packed));

struct coredump_arch_hdr_t {
	char id;
	uint16_t hdr_version;
	uint16_t num_bytes;
} __attribute__((packed));

struct coredump_mem_hdr_t {
	char id;
	uint16_t hdr_version;
	uint32_t start;
	uint32_t end;
} __attribute__((packed));

struct arm_arch_block {
	uint32_t r0, r1, r2, r3, r12, lr, pc, xpsr, sp;
	uint32_t r4, r5, r6, r7, r8, r9, r10, r11;
};

static void coredump_memory_dump(uintptr_t start, uintptr_t end)
{
	struct coredump_mem_hdr_t m;

	if (start == 0 || end == 0 || start >= end) {
		return;
	}
	m.id = 'M';
	m.hdr_version = 1;
	m.start = start;
	m.end = end;
	backend_buffer_output(&m, sizeof(m));
	backend_buffer_output((const void *)start, end - start);
}

static void dump_thread(struct k_thread *thread)
{
	if (thread == NULL) {
		return;
	}
	coredump_memory_dump((uintptr_t)thread, (uintptr_t)thread + sizeof(*thread));
	coredump_memory_dump(thread->stack_info.start,
			     thread->stack_info.start + thread->stack_info.size);
}

static void arch_coredump_info_dump(const struct arch_esf *esf)
{
	struct coredump_arch_hdr_t hdr = {'A', 2, sizeof(struct arm_arch_block)};
	struct arm_arch_block blk;

	memset(&blk, 0, sizeof(blk));
	blk.r0 = esf->a1;
	blk.r1 = esf->a2;
	blk.r2 = esf->a3;
	blk.r3 = esf->a4;
	blk.r12 = esf->ip;
	blk.lr = esf->lr;
	blk.pc = esf->pc;
	blk.xpsr = esf->xpsr;
	blk.sp = z_arm_coredump_fault_sp;
#if CD_EXTRA_EXC_INFO
	if (z_arm_fault_callee != NULL) {
		blk.r4 = z_arm_fault_callee[0];
		blk.r5 = z_arm_fault_callee[1];
		blk.r6 = z_arm_fault_callee[2];
		blk.r7 = z_arm_fault_callee[3];
		blk.r8 = z_arm_fault_callee[4];
		blk.r9 = z_arm_fault_callee[5];
		blk.r10 = z_arm_fault_callee[6];
		blk.r11 = z_arm_fault_callee[7];
	}
#endif
	backend_buffer_output(&hdr, sizeof(hdr));
	backend_buffer_output(&blk, sizeof(blk));
}

void coredump(unsigned int reason, const struct arch_esf *esf, struct k_thread *thread)
{
	struct coredump_hdr_t hdr = {
		{'Z', 'E'}, CD_HDR_VER, 3 /* ARM_CORTEX_M */, 5 /* log2(32) */, 0, reason & 0xFFFF,
	};

	(void)thread;
	backend_start();
	backend_buffer_output(&hdr, sizeof(hdr));
	if (esf != NULL) {
		arch_coredump_info_dump(esf);
	}
#if CD_THREADS_META
	{
		struct coredump_arch_hdr_t t = {'T', 1, sizeof(_kernel)};
		backend_buffer_output(&t, sizeof(t));
		backend_buffer_output(&_kernel, sizeof(_kernel));
	}
#endif
#if CD_MEM_MODE == MEM_MIN
	dump_thread(thread);
#elif CD_MEM_MODE == MEM_THREADS
	for (struct k_thread *t = _kernel.threads; t != NULL; t = t->next_thread) {
		dump_thread(t);
	}
	coredump_memory_dump((uintptr_t)_kernel.cpus[0].irq_stack - 2048,
			     (uintptr_t)_kernel.cpus[0].irq_stack);
#else
	coredump_memory_dump((uintptr_t)_image_ram_start, (uintptr_t)_image_ram_end);
#endif
#if CD_FSR_REGION
	/* an extra region: SCB fault status registers CFSR..BFAR */
	coredump_memory_dump(0xE000ED28, 0xE000ED3C);
#endif
	backend_end();
}
