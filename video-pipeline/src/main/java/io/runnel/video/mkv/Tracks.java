package io.runnel.video.mkv;

import java.util.HashSet;
import java.util.Set;

/** What Runnel needs of a Tracks element: which track numbers carry video. */
record Tracks(Set<Long> video, int count) {

    static final Tracks NONE = new Tracks(Set.of(), 0);
    private static final int VIDEO = 1;

    /** Reads the data of a Tracks element. */
    static Tracks read(byte[] b, int pos, int end) {
        Set<Long> video = new HashSet<>();
        int count = 0;
        while (pos < end) {
            Ebml.Header entry = complete(b, pos, end);
            int dataEnd = pos + entry.length() + (int) entry.size();
            if (entry.id() == Ebml.TRACK_ENTRY) {
                count++;
                long number = -1;
                long type = -1;
                for (int p = pos + entry.length(); p < dataEnd; ) {
                    Ebml.Header field = complete(b, p, dataEnd);
                    int data = p + field.length();
                    if (field.id() == Ebml.TRACK_NUMBER) {
                        number = Ebml.uint(b, data, (int) field.size());
                    } else if (field.id() == Ebml.TRACK_TYPE) {
                        type = Ebml.uint(b, data, (int) field.size());
                    }
                    p = data + (int) field.size();
                }
                if (type == VIDEO) {
                    video.add(number);
                }
            }
            pos = dataEnd;
        }
        return new Tracks(Set.copyOf(video), count);
    }

    /** A header whose element lies wholly within {@code end}. */
    static Ebml.Header complete(byte[] b, int pos, int end) {
        Ebml.Header h = Ebml.header(b, pos, end);
        if (h == null || !h.sizeKnown() || h.size() > end - pos - h.length()) {
            throw new MkvException("an element overruns its parent at byte " + pos);
        }
        return h;
    }
}
