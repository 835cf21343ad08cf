/* Bond scenarios only: the Bluetooth host's key pool and identity IRKs, loaded at boot from the
 * settings partition the way Zephyr 4.1 does it (our own code, written from):
 *  - subsys/fs/nvs/nvs.c: struct nvs_ate {id, offset, len, part, crc8}, crc8 = crc8_ccitt(0xff,
 *    ate, 7) (nvs_ate_crc8_check), ATEs written downwards from the end of a sector (the last slot
 *    is the sector's close ATE), data upwards from its start; the newest ATE of an id wins;
 *  - subsys/settings/src/settings_nvs.c settings_nvs_load(): the name of setting N is NVS entry N
 *    (N from NVS_NAMECNT_ID + 1 = 0x8001 up to the count stored at NVS_NAMECNT_ID), its value
 *    entry N + NVS_NAME_ID_OFFSET (0x4000);
 *  - subsys/bluetooth/host/keys.c keys_set(): "bt/keys/<addr><type>[/<id>]" fills the key
 *    slot's storage_start with BT_KEYS_STORAGE_LEN bytes; subsys/bluetooth/host/settings.c:
 *    "bt/id" holds bt_dev.id_addr, "bt/irk" bt_dev.irk.
 * What differs: the partition is read memory-mapped (as nRF52 flash_read does), the lab's
 * partition never wraps (so scan order is write order), and only the Bluetooth subtree is loaded. */
#include <string.h>
#include "bt_keys.h"
#include "kernel.h"
#include "lab_config.h"

#define NVS_SECTOR_SIZE 4096u
#define NVS_ATE_SIZE 8u
#define NVS_NAMECNT_ID 0x8000u
#define NVS_NAME_ID_OFFSET 0x4000u

struct nvs_ate {
	uint16_t id;
	uint16_t offset;
	uint16_t len;
	uint8_t part;
	uint8_t crc8;
};

struct bt_keys key_pool[CONFIG_BT_MAX_PAIRED];
struct bt_dev bt_dev;

/* Zephyr lib/crc crc8_ccitt(): polynomial 0x07, MSB first, no final xor */
static uint8_t crc8_ccitt(uint8_t val, const uint8_t *p, uint32_t n)
{
	while (n--) {
		val ^= *p++;
		for (int i = 0; i < 8; i++) {
			val = (val & 0x80) ? (uint8_t)((val << 1) ^ 0x07) : (uint8_t)(val << 1);
		}
	}
	return val;
}

static int ate_valid(const struct nvs_ate *a)
{
	return crc8_ccitt(0xff, (const uint8_t *)a, 7) == a->crc8 &&
	       (uint32_t)a->offset + a->len < NVS_SECTOR_SIZE - NVS_ATE_SIZE;
}

/* nvs_read(): the newest entry of an id; returns its length (0 = deleted or absent) */
static uint32_t nvs_find(uint16_t id, const uint8_t **data)
{
	uint32_t found = 0;

	for (uint32_t s = 0; s < SETTINGS_SIZE / NVS_SECTOR_SIZE; s++) {
		const uint8_t *sector = (const uint8_t *)(SETTINGS_ADDR + s * NVS_SECTOR_SIZE);
		for (uint32_t at = NVS_SECTOR_SIZE - 2 * NVS_ATE_SIZE;; at -= NVS_ATE_SIZE) {
			struct nvs_ate a;
			memcpy(&a, sector + at, sizeof(a));
			if (a.id == 0xffff && a.len == 0xffff) {
				break;                          /* erased: end of this sector's ATEs */
			}
			if (ate_valid(&a) && a.id == id) {
				*data = sector + a.offset;
				found = a.len;
			}
			if (at == 0) {
				break;
			}
		}
	}
	return found;
}

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	return -1;
}

/* bt_settings_decode_key(): 12 hex digits (a[5] first) and the address type digit */
static int decode_addr(const char *s, uint32_t n, bt_addr_le_t *addr)
{
	if (n < 13) {
		return -1;
	}
	for (int i = 0; i < 6; i++) {
		int hi = hex_nibble(s[2 * i]), lo = hex_nibble(s[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			return -1;
		}
		addr->a.val[5 - i] = (uint8_t)(hi << 4 | lo);
	}
	addr->type = (uint8_t)(s[12] - '0');
	return 0;
}

static struct bt_keys *bt_keys_get_addr(uint8_t id, const bt_addr_le_t *addr)
{
	for (int i = 0; i < CONFIG_BT_MAX_PAIRED; i++) {
		struct bt_keys *k = &key_pool[i];
		if (k->id == id && memcmp(&k->addr, addr, sizeof(*addr)) == 0) {
			return k;
		}
	}
	for (int i = 0; i < CONFIG_BT_MAX_PAIRED; i++) {
		struct bt_keys *k = &key_pool[i];
		if (k->addr.type == 0 && k->addr.a.val[0] == 0 && k->keys == 0 && k->enc_size == 0) {
			k->id = id;
			k->addr = *addr;
			return k;
		}
	}
	return NULL;
}

static void bt_settings_set(const char *name, uint32_t name_len, const uint8_t *value, uint32_t len)
{
	if (name_len > 8 && memcmp(name, "bt/keys/", 8) == 0) {
		bt_addr_le_t addr;
		uint8_t id = 0;
		if (decode_addr(name + 8, name_len - 8, &addr) != 0) {
			return;
		}
		if (name_len > 22 && name[21] == '/') {
			id = (uint8_t)hex_nibble(name[22]);
		}
		struct bt_keys *k = bt_keys_get_addr(id, &addr);
		if (k != NULL) {
			memcpy(k->storage_start, value, len < BT_KEYS_STORAGE_LEN ? len : BT_KEYS_STORAGE_LEN);
		}
	} else if (name_len == 6 && memcmp(name, "bt/irk", 6) == 0) {
		memcpy(bt_dev.irk, value, len < sizeof(bt_dev.irk) ? len : sizeof(bt_dev.irk));
	} else if (name_len == 5 && memcmp(name, "bt/id", 5) == 0) {
		memcpy(bt_dev.id_addr, value, len < sizeof(bt_dev.id_addr) ? len : sizeof(bt_dev.id_addr));
		bt_dev.id_count = (uint8_t)(len / sizeof(bt_addr_le_t));
	}
}

int bt_settings_load(void)
{
	const uint8_t *p;
	uint16_t last_name_id = NVS_NAMECNT_ID;
	int n = 0;

	if (nvs_find(NVS_NAMECNT_ID, &p) == sizeof(uint16_t)) {
		memcpy(&last_name_id, p, sizeof(last_name_id));
	}
	for (uint16_t name_id = last_name_id; name_id > NVS_NAMECNT_ID; name_id--) {
		const uint8_t *name, *value;
		uint32_t name_len = nvs_find(name_id, &name);
		uint32_t len = nvs_find((uint16_t)(name_id + NVS_NAME_ID_OFFSET), &value);
		if (name_len == 0 || len == 0) {
			continue;
		}
		bt_settings_set((const char *)name, name_len, value, len);
		n++;
	}
	bt_dev.rpa_timeout = 900;
	printk("<inf> bt_hci_core: %d settings loaded, %d identities\n", n, bt_dev.id_count);
	return n;
}
