/* The Bluetooth host's key storage as Zephyr 4.1 lays it out (our own mirror of
 * subsys/bluetooth/host/keys.h, struct bt_keys and its parts, and of the identity
 * fields of struct bt_dev in subsys/bluetooth/host/hci_core.h), configured as a
 * ZMK keyboard builds it: CONFIG_BT_SIGNING=n (no local/remote CSRK),
 * CONFIG_BT_SMP_SC_PAIR_ONLY=n (periph_ltk present), CONFIG_BT_KEYS_OVERWRITE_OLDEST=y
 * (aging_counter present), CONFIG_BT_PRIVACY=y (identity IRKs in bt_dev). Only the
 * bond scenarios (KIND_BONDS*) build it. */
#ifndef CRASHLAB_BT_KEYS_H
#define CRASHLAB_BT_KEYS_H

#include <stdint.h>

#define CONFIG_BT_MAX_PAIRED 2           /* key_pool[CONFIG_BT_MAX_PAIRED] */
#define CONFIG_BT_ID_MAX 2               /* identities (ZMK: one per profile; two here) */

typedef struct {
	uint8_t val[6];
} bt_addr_t;

typedef struct {
	uint8_t type;
	bt_addr_t a;
} bt_addr_le_t;

struct bt_ltk {
	uint8_t rand[8];
	uint8_t ediv[2];
	uint8_t val[16];
};

struct bt_irk {
	uint8_t val[16];
	bt_addr_t rpa;
};

struct bt_keys {
	uint8_t id;
	bt_addr_le_t addr;
	uint8_t state;
	uint8_t storage_start[0] __attribute__((aligned(sizeof(void *))));
	uint8_t enc_size;
	uint8_t flags;
	uint16_t keys;
	struct bt_ltk ltk;
	struct bt_irk irk;
	struct bt_ltk periph_ltk;
	uint32_t aging_counter;
};

/* BT_KEYS_STORAGE_LEN: what bt_keys_store() writes to "bt/keys/<addr><type>" */
#define BT_KEYS_STORAGE_LEN (sizeof(struct bt_keys) - __builtin_offsetof(struct bt_keys, storage_start))

/* The part of struct bt_dev that holds identities (the real struct has many more fields around these). */
struct bt_dev {
	bt_addr_le_t id_addr[CONFIG_BT_ID_MAX];
	uint8_t id_count;
	uint32_t flags;
	uint8_t irk[CONFIG_BT_ID_MAX][16];
	uint32_t rpa_timeout;
};

extern struct bt_keys key_pool[CONFIG_BT_MAX_PAIRED];
extern struct bt_dev bt_dev;

/* settings_load() for the Bluetooth subtree: reads the NVS settings partition at SETTINGS_ADDR. */
int bt_settings_load(void);

#endif
