#pragma once

#include "geo/store/edit_session.h"

#include <string>
#include <vector>

namespace parkatlas::geo {

/// The unsaved edits of one edit session, kept on disk after every edit so that a crash loses
/// nothing: which store and layer they belong to, what the viewer had open (to open it again),
/// and the changes in the order they were made (with the versions the editor read, so that a
/// recovered save still refuses to overwrite what someone else saved since).
struct EditJournal {
    std::string store;                // a .gpkg path or a PostgreSQL connection (no password)
    std::string layer;                // the layer edited
    std::string schema;               // PostGIS: the schema ("" = the connection's current one)
    std::vector<std::string> sources; // what the viewer had open
    std::string written;              // when, ISO 8601 UTC ("2026-11-21T11:40:00Z")
    std::vector<FeatureChange> changes;
};

/// Writes the journal as JSON (WKB as hex) to `path` atomically (writeFileAtomically: a kill
/// leaves the previous journal whole). Throws IoError naming the file. A null field value is
/// written as null; a change's geometry as hex WKB, null when it is removed (an empty WKB), and
/// left out when it does not change (nullopt), so all three read back as they were.
void writeJournal(const std::string& path, const EditJournal& journal);

/// Reads a journal. Throws IoError naming the file and what is wrong (not JSON, a change
/// without a kind, WKB that is not hex …).
EditJournal readJournal(const std::string& path);

} // namespace parkatlas::geo
