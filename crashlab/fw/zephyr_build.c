/* What a real Zephyr/ZMK build links besides the application's call paths,
 * for the scenarios with layout "zephyr" (crashlab/README.md):
 *
 * - iterable sections (Zephyr 4.1 include/zephyr/sys/iterable_sections.h,
 *   STRUCT_SECTION_ITERABLE / STRUCT_SECTION_FOREACH) in output sections of
 *   their own, read-only ones in flash and RAM ones with a flash image, so
 *   app_zephyr.ld.in has alignment gaps between them;
 * - functions nobody calls (drivers and subsystems a board configures but a
 *   keymap never uses). -ffunction-sections and --gc-sections drop their
 *   code, but their DWARF stays, with low_pc 0, inlined calls included. */
#include <stdint.h>
#include "kernel.h"
#include "lab_config.h"

/* ---- read-only iterable sections ---- */
struct zmk_behavior_ref {
	const char *name;
};

#define BEHAVIOR_REF(n) \
	const struct zmk_behavior_ref __attribute__((used, section("._zmk_behavior_ref.static." #n))) \
		zmk_behavior_ref_##n = {#n}

BEHAVIOR_REF(key_press);
BEHAVIOR_REF(momentary_layer);
BEHAVIOR_REF(mod_tap);

typedef struct {
	int64_t ticks;                  /* k_timeout_t with CONFIG_TIMEOUT_64BIT */
} k_timeout_t;

/* ---- RAM with an image in flash ---- */
/* the last .data object: 3 bytes, so .data ends on an odd address */
uint8_t zmk_hid_indicators[3] = {1, 0, 1};

struct _static_thread_data {
	const char *init_name;
	void *init_p1;
	int init_prio;
	k_timeout_t init_delay;
};

/* K_THREAD_DEFINE: its first argument is the .data object above, so --gc-sections keeps both */
const struct _static_thread_data __attribute__((used, section(".__static_thread_data.static.zmk_split_bt")))
	_k_thread_data_zmk_split_bt = {"split_bt", zmk_hid_indicators, 5, {0}};

struct k_sem __attribute__((used, section("._k_sem.static.zmk_hid_sem"))) zmk_hid_sem = {1, 1};

struct device_state {
	uint8_t init_res;
	uint8_t initialized;
};
struct device_state __attribute__((used, section(".z_devstate"))) __devstate_kscan = {0, 1};

/* ---- code the linker discards (nothing refers to it) ---- */
struct led_rgb {
	uint8_t r, g, b;
};
static struct led_rgb underglow_pixels[4];

static inline __attribute__((always_inline)) uint8_t hsb_scale(uint8_t v, uint8_t brightness)
{
	return (uint8_t)((v * brightness) / 100u);
}

void zmk_rgb_underglow_set_hsb(uint8_t h, uint8_t s, uint8_t b)
{
	for (int i = 0; i < 4; i++) {
		underglow_pixels[i].r = hsb_scale(h, b);
		underglow_pixels[i].g = hsb_scale(s, b);
		underglow_pixels[i].b = b;
	}
}

static inline __attribute__((always_inline)) int battery_mv_to_percent(int mv)
{
	return mv >= 4200 ? 100 : mv <= 3450 ? 0 : (mv - 3450) * 100 / 750;
}

int zmk_battery_state_of_charge(int mv)
{
	return battery_mv_to_percent(mv);
}

int zmk_split_bt_peripheral_count(void)
{
	return (int)underglow_pixels[0].r;
}
