/* Coredump writer for the lab. It mirrors Zephyr 4.1 (see crashlab/README.md, "Coredump writer"):
 *   subsys/debug/coredump/coredump_core.c            coredump(), dump_header(), dump_thread(),
 *                                                    process_memory_region_list(), coredump_memory_dump()
 *   subsys/debug/coredump/coredump_memory_regions.c  z_coredump_memory_regions[] (LINKER_RAM only)
 *   subsys/debug/coredump/coredump_backend_flash_partition.c
 *                                                    coredump_flash_backend_start/_end/_buffer_output,
 *                                                    stream_flash_buf[FLASH_BUF_SIZE], backend_ctx
 *   subsys/storage/stream/stream_flash.c             stream_flash_buffered_write(), flash_sync()
 *   arch/arm/core/cortex_m/coredump.c (v2)           arch_coredump_info_dump(), static arch_blk
 *   drivers/coredump/coredump_impl.c                 coredump_config0 / coredump_impl_dump() (FSR region)
 * The names are Zephyr's, so that zmk-agent's ELF-only prediction (coredump/preflight) reads this firmware
 * the way it reads a real ZMK build: backend, memory mode, buffer and arch block sizes come from the symbols. */
#include <string.h>
#include "kernel.h"
#include "lab_config.h"

#define PART_SIZE   0x10000u
#define HDR_SIZE    16u          /* ROUND_UP(sizeof(flash header), write block 4) */
#define WRITE_BLOCK 4u
/* FLASH_BUF_SIZE = MAX(FLASH_WRITE_SIZE, ROUND_UP(CONFIG_DEBUG_COREDUMP_FLASH_CHUNK_SIZE, FLASH_WRITE_SIZE)) in
 * 4.1; FLASH_WRITE_SIZE (4) in 3.5. The lab's scenarios give it as CD_CHUNK. */
#define FLASH_BUF_SIZE CD_CHUNK
#define ENOMEM      12

extern uint32_t z_arm_coredump_fault_sp;
extern uint8_t _image_ram_start[], _image_ram_end[];

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
/* Buffer used in stream flash context (the backend's static stream_flash_buf) */
static uint8_t stream_flash_buf[FLASH_BUF_SIZE];

static struct {
	uint8_t *buf;
	uint32_t buf_len;
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
	while (len - processed >= sf.buf_len - sf.buf_bytes) {
		uint32_t n = sf.buf_len - sf.buf_bytes;
		memcpy(sf.buf + sf.buf_bytes, data + processed, n);
		sf.buf_bytes = sf.buf_len;
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

static void coredump_flash_backend_start(void)
{
	flash_flatten(0, PART_SIZE);
	sf.buf = stream_flash_buf;
	sf.buf_len = sizeof(stream_flash_buf);
	sf.buf_bytes = 0;
	sf.bytes_written = 0;
	sf.offset = HDR_SIZE;
	sf.available = PART_SIZE - HDR_SIZE;
	backend_ctx.checksum = 0;
	backend_ctx.error = 0;
}

static void coredump_flash_backend_buffer_output(const uint8_t *buf, uint32_t buflen)
{
	const uint8_t *ptr = buf;
	uint32_t remaining = buflen;
	uint8_t tmp_buf[FLASH_BUF_SIZE];

	if (backend_ctx.error != 0) {
		return;
	}
	while (remaining > 0) {
		uint32_t copy_sz = remaining > FLASH_BUF_SIZE ? FLASH_BUF_SIZE : remaining;

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

static void coredump_flash_backend_end(void)
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

/* include/zephyr/debug/coredump.h: struct coredump_backend_api; the flash partition backend's instance */
struct coredump_backend_api {
	void (*start)(void);
	void (*end)(void);
	void (*buffer_output)(const uint8_t *buf, uint32_t buflen);
	int (*query)(int query_id, void *arg);
	int (*cmd)(int cmd_id, void *arg);
};

struct coredump_backend_api coredump_backend_flash_partition = {
	.start = coredump_flash_backend_start,
	.end = coredump_flash_backend_end,
	.buffer_output = coredump_flash_backend_buffer_output,
	.query = NULL,
	.cmd = NULL,
};

static struct coredump_backend_api *backend_api = &coredump_backend_flash_partition;

void coredump_buffer_output(const uint8_t *buf, uint32_t buflen)
{
	if (buf == NULL || buflen == 0) {
		return;
	}
	backend_api->buffer_output(buf, buflen);
}

void coredump_memory_dump(uintptr_t start, uintptr_t end)
{
	struct coredump_mem_hdr_t m;

	if (start == 0 || end == 0 || start >= end) {
		return;
	}
	m.id = 'M';
	m.hdr_version = 1;
	m.start = start;
	m.end = end;
	coredump_buffer_output((const uint8_t *)&m, sizeof(m));
	coredump_buffer_output((const uint8_t *)start, end - start);
}

#if CD_MEM_MODE == MEM_LINKER_RAM
struct z_coredump_memory_region_t {
	uintptr_t start;
	uintptr_t end;
};

/* coredump_memory_regions.c: __weak, so that an application may list other regions */
__attribute__((weak)) struct z_coredump_memory_region_t z_coredump_memory_regions[] = {
	{(uintptr_t)&_image_ram_start, (uintptr_t)&_image_ram_end},
	{0, 0} /* End of list */
};
#endif

#if CD_MEM_MODE == MEM_MIN || CD_MEM_MODE == MEM_THREADS
static void dump_thread(struct k_thread *thread)
{
	if (thread == NULL) {
		return;
	}
	coredump_memory_dump((uintptr_t)thread, (uintptr_t)thread + sizeof(*thread));
	coredump_memory_dump(thread->stack_info.start,
			     thread->stack_info.start + thread->stack_info.size);
}
#endif

#if CD_FSR_REGION
/* drivers/coredump/coredump_impl.c: a zephyr,coredump device of type COREDUMP_TYPE_MEMCPY whose devicetree
 * memory-regions are (address, size) pairs; here the SCB fault status registers CFSR..BFAR */
enum COREDUMP_TYPE { COREDUMP_TYPE_MEMCPY = 0, COREDUMP_TYPE_CALLBACK = 1 };
struct coredump_config {
	enum COREDUMP_TYPE type;
	int length;
	size_t memory_regions[];
};
static const struct coredump_config coredump_config0 = {
	.type = COREDUMP_TYPE_MEMCPY,
	.length = 2,
	.memory_regions = {0xE000ED28, 0x14},
};

static void coredump_impl_dump(const struct coredump_config *config)
{
	if (config->length > 0 && (config->length % 2) == 0) {
		for (int i = 0; i < config->length; i += 2) {
			uintptr_t start_address = config->memory_regions[i];
			size_t size = config->memory_regions[i + 1];

			coredump_memory_dump(start_address, start_address + size);
		}
	}
}
#endif

void process_memory_region_list(void)
{
#if CD_MEM_MODE == MEM_LINKER_RAM
	for (unsigned int idx = 0; z_coredump_memory_regions[idx].end != 0; idx++) {
		coredump_memory_dump(z_coredump_memory_regions[idx].start, z_coredump_memory_regions[idx].end);
	}
#elif CD_MEM_MODE == MEM_THREADS
	for (struct k_thread *t = _kernel.threads; t != NULL; t = t->next_thread) {
		dump_thread(t);
	}
	/* Also add interrupt stack, in case error occurred in an interrupt (CONFIG_ISR_STACK_SIZE 2048) */
	coredump_memory_dump((uintptr_t)_kernel.cpus[0].irq_stack - 2048,
			     (uintptr_t)_kernel.cpus[0].irq_stack);
#endif
#if CD_FSR_REGION
	coredump_impl_dump(&coredump_config0);
#endif
}

/* arch/arm/core/cortex_m/coredump.c: "This might be too large for stack space if defined inside function.
 * So do it here." */
static struct arm_arch_block arch_blk;

static void arch_coredump_info_dump(const struct arch_esf *esf)
{
	struct coredump_arch_hdr_t hdr = {'A', 2, sizeof(arch_blk)};

	if (esf == NULL) {
		return;
	}
	memset(&arch_blk, 0, sizeof(arch_blk));
	arch_blk.r0 = esf->a1;
	arch_blk.r1 = esf->a2;
	arch_blk.r2 = esf->a3;
	arch_blk.r3 = esf->a4;
	arch_blk.r12 = esf->ip;
	arch_blk.lr = esf->lr;
	arch_blk.pc = esf->pc;
	arch_blk.xpsr = esf->xpsr;
	arch_blk.sp = z_arm_coredump_fault_sp;
#if CD_EXTRA_EXC_INFO
	if (esf->extra_info.callee != NULL) {
		arch_blk.r4 = esf->extra_info.callee->v1;
		arch_blk.r5 = esf->extra_info.callee->v2;
		arch_blk.r6 = esf->extra_info.callee->v3;
		arch_blk.r7 = esf->extra_info.callee->v4;
		arch_blk.r8 = esf->extra_info.callee->v5;
		arch_blk.r9 = esf->extra_info.callee->v6;
		arch_blk.r10 = esf->extra_info.callee->v7;
		arch_blk.r11 = esf->extra_info.callee->v8;
	}
#endif
	coredump_buffer_output((const uint8_t *)&hdr, sizeof(hdr));
	coredump_buffer_output((const uint8_t *)&arch_blk, sizeof(arch_blk));
}

static void dump_header(unsigned int reason)
{
	struct coredump_hdr_t hdr = {
		{'Z', 'E'}, CD_HDR_VER, 3 /* ARM_CORTEX_M */, 5 /* log2(32) */, 0, reason & 0xFFFF,
	};

	coredump_buffer_output((const uint8_t *)&hdr, sizeof(hdr));
}

#if CD_THREADS_META
static void dump_threads_metadata(void)
{
	struct coredump_arch_hdr_t t = {'T', 1, sizeof(_kernel)};

	coredump_buffer_output((const uint8_t *)&t, sizeof(t));
	coredump_buffer_output((const uint8_t *)&_kernel, sizeof(_kernel));
}
#endif

void z_coredump_start(void)
{
	backend_api->start();
}

void z_coredump_end(void)
{
	backend_api->end();
}

void coredump(unsigned int reason, const struct arch_esf *esf, struct k_thread *thread)
{
	z_coredump_start();
	dump_header(reason);
	if (esf != NULL) {
		arch_coredump_info_dump(esf);
	}
#if CD_THREADS_META
	dump_threads_metadata();
#endif
	if (thread != NULL) {
#if CD_MEM_MODE == MEM_MIN
		dump_thread(thread);
#endif
	}
	process_memory_region_list();
	z_coredump_end();
}
