"""The Zephyr settings partition of the bond scenarios, written the way Zephyr 4.1 writes it
(our own code, from the sources named in crashlab/README.md, "Bluetooth keys and settings"):

- subsys/fs/nvs/nvs.c: nvs_mount() on an erased partition adds a gc-done ATE (id 0xffff, len 0)
  below the (still erased) close ATE of sector 0; nvs_write() skips data equal to the newest
  entry of the id; nvs_flash_wrt_entry() writes the data at data_wra (padded with 0xff to the
  write block) and then the ATE {id, offset, len, part 0xff, crc8_ccitt(0xff, ate, 7)} at ate_wra,
  which moves down by 8. With CONFIG_NVS_DATA_CRC a CRC-32 (IEEE) of the data follows it and
  counts in len.
- subsys/settings/src/settings_nvs.c settings_nvs_save(): a new name gets id last_name_id + 1;
  the value goes to id + NVS_NAME_ID_OFFSET (0x4000) first, then the name (no NUL), then the new
  last_name_id (u16) to NVS_NAMECNT_ID (0x8000).
- subsys/bluetooth/host/keys.c bt_keys_store() / settings.c bt_settings_encode_key():
  "bt/keys/<a[5]..a[0] in hex><type>" (+ "/<id>" for id != 0) holds BT_KEYS_STORAGE_LEN bytes
  of struct bt_keys from storage_start; "bt/irk" the identity IRKs, "bt/id" the identity addresses.

The lab never fills a sector, so sector close and garbage collection are not modelled.
"""
import hashlib
import struct
import zlib

ATE_SIZE = 8
NVS_NAMECNT_ID = 0x8000
NVS_NAME_ID_OFFSET = 0x4000


def crc8_ccitt(val, data):
    for b in data:
        val ^= b
        for _ in range(8):
            val = ((val << 1) ^ 0x07) & 0xFF if val & 0x80 else (val << 1) & 0xFF
    return val


class Nvs:
    def __init__(self, size, sector_size=4096, write_block=4, data_crc=False):
        self.buf = bytearray(b"\xff" * size)
        self.sector_size = sector_size
        self.write_block = write_block
        self.data_crc = data_crc
        self.ate_wra = sector_size - 2 * ATE_SIZE      # sector 0; the last slot is the close ATE
        self.data_wra = 0
        self.latest = {}
        self._ate(0xFFFF, self.data_wra, 0)             # nvs_add_gc_done_ate()

    def _ate(self, ident, offset, length):
        a = struct.pack("<HHHB", ident, offset, length, 0xFF)
        a += bytes([crc8_ccitt(0xFF, a)])
        self.buf[self.ate_wra:self.ate_wra + ATE_SIZE] = a
        self.ate_wra -= ATE_SIZE

    def write(self, ident, data):
        if self.latest.get(ident) == data:
            return
        stored = data + (struct.pack("<I", zlib.crc32(data)) if self.data_crc and data else b"")
        padded = stored + b"\xff" * (-len(stored) % self.write_block)
        if self.data_wra + len(padded) + ATE_SIZE > self.ate_wra:
            raise ValueError("the lab's settings do not fit in NVS sector 0")
        offset = self.data_wra
        self.buf[offset:offset + len(padded)] = padded
        self.data_wra += len(padded)
        self._ate(ident, offset, len(stored))
        self.latest[ident] = data


class SettingsNvs:
    def __init__(self, nvs):
        self.nvs = nvs
        self.last_name_id = NVS_NAMECNT_ID
        self.ids = {}

    def save(self, name, value):
        ident = self.ids.get(name)
        new = ident is None
        if new:
            ident = self.last_name_id + 1
        self.nvs.write(ident + NVS_NAME_ID_OFFSET, value)
        if new:
            self.nvs.write(ident, name.encode())
            self.ids[name] = ident
        if ident > self.last_name_id:
            self.last_name_id = ident
            self.nvs.write(NVS_NAMECNT_ID, struct.pack("<H", ident))


def key16(seed, what):
    """A 16-byte key value the firmware can only know from the settings partition (never in the ELF)."""
    return hashlib.sha256(("crashlab %s %s" % (seed, what)).encode()).digest()[:16]


def key_name(addr, addr_type, ident=0):
    name = "bt/keys/" + "".join("%02x" % b for b in reversed(addr)) + "%u" % addr_type
    return name + ("/%x" % ident if ident else "")


# struct bt_keys from storage_start (fw/bt_keys.h): enc_size, flags, keys (u16), ltk {rand[8],
# ediv[2], val[16]}, irk {val[16], rpa[6]}, periph_ltk {rand, ediv, val}, 2 pad bytes, aging_counter
def keys_storage(enc_size, flags, keys, ltk, irk, periph_ltk, aging):
    def ltk_bytes(k):
        return k["rand"] + k["ediv"] + k["val"]
    out = struct.pack("<BBH", enc_size, flags, keys) + ltk_bytes(ltk) + irk["val"] + irk["rpa"] + ltk_bytes(periph_ltk)
    out += b"\x00\x00" + struct.pack("<I", aging)
    assert len(out) == 84, len(out)
    return out


BT_KEYS_PERIPH_LTK, BT_KEYS_IRK, BT_KEYS_LTK = 1, 2, 4
BT_KEYS_SC = 0x10


def bond_partition(seed, size):
    """The settings partition and what it holds: two bonds, one re-paired (so an older value of its
    keys is still in flash), the identity address and IRKs, and ZMK's profile records."""
    def ltk(n):
        return {"rand": key16(seed, n + " rand")[:8], "ediv": key16(seed, n + " ediv")[:2], "val": key16(seed, n)}

    nvs = Nvs(size)
    st = SettingsNvs(nvs)
    identity = bytes([0x01]) + bytes([0x5e, 0x1e, 0xc7, 0x0d, 0xb1, 0xc0])      # random static address
    irks = key16(seed, "identity irk 0") + key16(seed, "identity irk 1")
    st.save("bt/id", identity)
    st.save("bt/irk", irks)
    peers = [bytes([0x11, 0x22, 0x33, 0x44, 0x55, 0x66]), bytes([0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6])]
    bonds = []
    old = []
    for i, (peer, round_) in enumerate([(peers[0], "old"), (peers[1], "new"), (peers[0], "new")]):
        n = "bond %d %s" % (0 if peer == peers[0] else 1, round_)
        keys = {"ltk": ltk(n + " ltk"), "irk": {"val": key16(seed, n + " irk"), "rpa": peer[::-1]},
                "periph_ltk": ltk(n + " periph_ltk")}
        value = keys_storage(16, BT_KEYS_SC, BT_KEYS_LTK | BT_KEYS_IRK | BT_KEYS_PERIPH_LTK,
                             keys["ltk"], keys["irk"], keys["periph_ltk"], 1 + i)
        st.save(key_name(peer, 0), value)
        rec = {"name": key_name(peer, 0), "address": ":".join("%02X" % b for b in reversed(peer)),
               "ltk": keys["ltk"]["val"].hex(), "ltk_rand": keys["ltk"]["rand"].hex(),
               "irk": keys["irk"]["val"].hex(), "periph_ltk": keys["periph_ltk"]["val"].hex(),
               "periph_ltk_rand": keys["periph_ltk"]["rand"].hex()}
        (old if round_ == "old" else bonds).append(rec)
    st.save("ble/active_profile", bytes([0]))
    for i, peer in enumerate(peers):
        st.save("ble/profiles/%d" % i, bytes([0]) + peer)
    facts = {
        "format": "nvs", "sector_size": nvs.sector_size, "write_block_size": nvs.write_block,
        "data_crc": nvs.data_crc,
        "records": sorted(st.ids),
        "bonds": bonds,
        "superseded_bonds": old,
        "identity_irks": [irks[:16].hex(), irks[16:].hex()],
    }
    return bytes(nvs.buf), facts
