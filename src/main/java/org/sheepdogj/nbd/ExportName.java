package org.sheepdogj.nbd;

/**
 * An export's name: {@code VDI} for a working VDI (writable), {@code VDI@SNAPID} or {@code VDI@TAG} for one of its
 * snapshots (read-only). The VDI name is the part before the last {@code @}.
 */
record ExportName(String vdi, int snapId, String tag) {

    static ExportName parse(String export) {
        int at = export.lastIndexOf('@');
        if (at < 0) {
            return new ExportName(export, 0, "");
        }
        String vdi = export.substring(0, at);
        String snap = export.substring(at + 1);
        if (!snap.isEmpty() && snap.chars().allMatch(Character::isDigit) && snap.length() < 10) {
            return new ExportName(vdi, Integer.parseInt(snap), "");
        }
        return new ExportName(vdi, 0, snap);
    }

    boolean snapshot() {
        return snapId != 0 || !tag.isEmpty();
    }

    @Override
    public String toString() {
        return snapId != 0 ? vdi + "@" + snapId : tag.isEmpty() ? vdi : vdi + "@" + tag;
    }
}
