#pragma once

#include "geo/message.h"
#include "geo/model/display_names.h"

#include <string>

namespace parkatlas::geo {

/// Which character encoding a source's text is in, and why we think so.
struct EncodingChoice {
    enum class Origin {
        Unknown,   // nothing read yet
        Format,    // the format fixes it (GeoPackage, GeoJSON: UTF-8)
        User,      // --encoding or the project file
        Cpg,       // the shapefile's .cpg
        Ldid,      // the DBF header's language driver id
        Detected,  // from the bytes
        AsciiOnly, // no byte above 0x7F: any ASCII-compatible encoding reads it
    };
    std::string name; // an iconv/CPLRecode name: "UTF-8", "CP936", "GB18030", "CP950", …
    Origin origin = Origin::Unknown;
    std::string reason; // one sentence a user can read
    /// A guess from the bytes that could well be wrong (a single-byte code page, or too little
    /// text to tell): readers warn and suggest --encoding.
    bool uncertain = false;
    /// `reason` as a message, so that it can be said in the user's language; an empty id when
    /// `reason` is a fixed phrase ("all text is ASCII", said through styles/messages.json's
    /// phrases).
    Message said = {};

    bool isUtf8() const;
    /// Sets `reason` and `said` from `why`.
    void setReason(Message why);
    /// `reason` as a message: `said`, or for a fixed phrase a message without an id (nested in
    /// another as a part named reason or detail, it is said as a phrase).
    Message reasonMessage() const;
    /// `reason` in `language`.
    std::string reasonText(Language language) const;
};

const char* toString(EncodingChoice::Origin origin);

} // namespace parkatlas::geo
