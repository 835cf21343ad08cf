/* Another build of the same firmware source: a display shield's driver and
 * buffers (a nice!view-like 160x68 1-bpp panel) and a bigger keymap's extra
 * RAM, linked before app.c. Only the triage build-variant kinds (60-69) link
 * this file: like a user building ZMK for another shield or keymap, every
 * function and variable of app.c moves (code, .data, .bss and the stacks),
 * while the bug and its call path stay the same. Kept by -Wl,-u,nice_view_init. */
#include "kernel.h"
#include "lab_config.h"

#define NICE_VIEW_WIDTH  160
#define NICE_VIEW_HEIGHT 68

/* .data: a palette and a layer-name table, initialised */
uint8_t nice_view_palette[16] = {0x00, 0xff, 0x55, 0xaa, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
const char *nice_view_layer_names[8] = {"BASE", "LOWER", "RAISE", "ADJUST", "NAV", "NUM", "SYM", "FN"};
/* .bss: the frame buffer and a second keymap's position state (58 keys, 4 layers) */
uint8_t nice_view_framebuffer[NICE_VIEW_WIDTH * NICE_VIEW_HEIGHT / 8];
uint32_t lily58_position_state[4][58];

static const uint8_t nice_view_font[5 * 16] = {
	0x3e, 0x51, 0x49, 0x45, 0x3e, 0x00, 0x42, 0x7f, 0x40, 0x00, 0x42, 0x61, 0x51, 0x49, 0x46,
	0x21, 0x41, 0x45, 0x4b, 0x31, 0x18, 0x14, 0x12, 0x7f, 0x10, 0x27, 0x45, 0x45, 0x45, 0x39,
	0x3c, 0x4a, 0x49, 0x49, 0x30, 0x01, 0x71, 0x09, 0x05, 0x03, 0x36, 0x49, 0x49, 0x49, 0x36,
	0x06, 0x49, 0x49, 0x29, 0x1e, 0x7e, 0x11, 0x11, 0x11, 0x7e, 0x7f, 0x49, 0x49, 0x49, 0x36,
	0x3e, 0x41, 0x41, 0x41, 0x22, 0x7f, 0x41, 0x41, 0x22, 0x1c, 0x7f, 0x49, 0x49, 0x49, 0x41,
	0x7f, 0x09, 0x09, 0x09, 0x01,
};

NOINLINE void nice_view_blit_glyph(uint32_t x, uint32_t y, uint32_t glyph)
{
	for (uint32_t col = 0; col < 5; col++) {
		uint8_t bits = nice_view_font[(glyph & 15) * 5 + col];
		for (uint32_t row = 0; row < 8; row++) {
			uint32_t px = (x + col) % NICE_VIEW_WIDTH, py = (y + row) % NICE_VIEW_HEIGHT;
			uint32_t bit = py * NICE_VIEW_WIDTH + px;
			if (bits & (1u << row)) {
				nice_view_framebuffer[bit / 8] |= (uint8_t)(1u << (bit % 8));
			} else {
				nice_view_framebuffer[bit / 8] &= (uint8_t)~(1u << (bit % 8));
			}
		}
	}
}

NOINLINE void nice_view_draw_layer_status(uint32_t layer)
{
	const char *name = nice_view_layer_names[layer & 7];

	for (uint32_t i = 0; name[i] != '\0'; i++) {
		nice_view_blit_glyph(4 + 6 * i, 20, (uint32_t)name[i]);
	}
	lily58_position_state[layer & 3][0] ^= nice_view_palette[layer & 15];
}

NOINLINE void nice_view_init(void)
{
	for (uint32_t i = 0; i < sizeof(nice_view_framebuffer); i++) {
		nice_view_framebuffer[i] = nice_view_palette[0];
	}
	nice_view_draw_layer_status(0);
}
