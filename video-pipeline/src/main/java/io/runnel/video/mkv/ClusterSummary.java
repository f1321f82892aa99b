package io.runnel.video.mkv;

/**
 * What a Cluster says of its frames: its timecode, how long it plays, and whether it opens on a key frame.
 *
 * @param timecode the Cluster's timecode
 * @param duration from its first frame to the end of its last, estimated from the spacing of the frames of
 *                 the track it opens with, in timecode units
 */
record ClusterSummary(long timecode, long duration, boolean startsOnKeyFrame) {

    private static final int KEY_FRAME = 0x80;

    static ClusterSummary read(byte[] cluster, Tracks tracks) {
        Ebml.Header top = Ebml.header(cluster, 0, cluster.length);
        int end = top.sizeKnown() ? top.length() + (int) top.size() : cluster.length;
        if (end > cluster.length) {
            throw new MkvException("a Cluster shorter than its size");
        }
        Long timecode = null;
        long track = -1;
        Boolean key = null;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        int frames = 0;
        for (int p = top.length(); p < end; ) {
            Ebml.Header child = Tracks.complete(cluster, p, end);
            int data = p + child.length();
            int dataEnd = data + (int) child.size();
            Block block = null;
            if (child.id() == Ebml.TIMECODE) {
                timecode = Ebml.uint(cluster, data, (int) child.size());
            } else if (child.id() == Ebml.SIMPLE_BLOCK) {
                block = Block.read(cluster, data, dataEnd, (cluster[Block.flagsAt(cluster, data, dataEnd)] & KEY_FRAME) != 0);
            } else if (child.id() == Ebml.BLOCK_GROUP) {
                block = group(cluster, data, dataEnd);
            }
            if (block != null) {
                if (track == -1) {
                    track = block.track;
                }
                if (key == null && (tracks.video().isEmpty() || tracks.video().contains(block.track))) {
                    key = block.key;
                }
                if (block.track == track) {
                    first = Math.min(first, block.time);
                    last = Math.max(last, block.time);
                    frames++;
                }
            }
            p = dataEnd;
        }
        if (timecode == null) {
            throw new MkvException("a Cluster without a Timecode");
        }
        long span = frames == 0 ? 0 : last - first;
        long duration = frames > 1 ? span + span / (frames - 1) : span;
        return new ClusterSummary(timecode, duration, key == null || key);
    }

    private static Block group(byte[] b, int pos, int end) {
        Block block = null;
        boolean referenced = false;
        for (int p = pos; p < end; ) {
            Ebml.Header child = Tracks.complete(b, p, end);
            int data = p + child.length();
            if (child.id() == Ebml.BLOCK) {
                block = Block.read(b, data, data + (int) child.size(), false);
            } else if (child.id() == Ebml.REFERENCE_BLOCK) {
                referenced = true;
            }
            p = data + (int) child.size();
        }
        return block == null ? null : new Block(block.track, block.time, !referenced);
    }

    /** A frame's track, its timecode relative to its Cluster, and whether it is a key frame. */
    private record Block(long track, int time, boolean key) {

        static int flagsAt(byte[] b, int pos, int end) {
            int at = pos + trackLength(b, pos) + 2;
            if (at >= end) {
                throw new MkvException("a block too short for its header");
            }
            return at;
        }

        static Block read(byte[] b, int pos, int end, boolean key) {
            int trackLength = trackLength(b, pos);
            if (pos + trackLength + 3 > end) {
                throw new MkvException("a block too short for its header");
            }
            long track = b[pos] & (0xFF >> trackLength);
            for (int i = 1; i < trackLength; i++) {
                track = (track << 8) | (b[pos + i] & 0xFF);
            }
            int time = (short) (((b[pos + trackLength] & 0xFF) << 8) | (b[pos + trackLength + 1] & 0xFF));
            return new Block(track, time, key);
        }

        private static int trackLength(byte[] b, int pos) {
            int length = Ebml.vintLength(b[pos]);
            if (length == 0) {
                throw new MkvException("a block without a track number");
            }
            return length;
        }
    }
}
