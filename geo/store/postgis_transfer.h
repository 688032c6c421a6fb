#pragma once

#include "geo/io/park_source.h"
#include "geo/io/source.h"
#include "geo/progress.h"

#include <cstdint>
#include <string>
#include <vector>

namespace parkatlas::geo {

class IssueSink;

/// The column every published table carries for optimistic locking (EditSession): 1 when
/// published, one more on every saved change.
inline constexpr const char* kVersionColumn = "row_version";
/// The primary key (the source's FID) and the geometry column of a published table.
inline constexpr const char* kFidColumn = "fid";
inline constexpr const char* kGeometryColumn = "geom";

struct PushOptions {
    /// The schema to publish into; "" = the connection's current schema (its search_path).
    std::string schema;
    /// Replace the park's tables when the schema already has them (else refuse).
    bool replace = false;
    ProgressCallback progress;
};

struct TransferredLayer {
    std::string layer; // the conventional name ("parcels"), the table's name
    std::string source;
    std::int64_t featureCount = 0;
    int srid = 0;
    std::string geometryType; // PostGIS type of the column ("MultiPolygon", "Geometry" if mixed)
};

/// Publishes every role layer of a park into `schema` on a PostgreSQL server (libpq URI,
/// key=value string or PG:service=…), one table per role under its conventional name:
/// `fid` bigint primary key (the source's FID), every source field under its own name and
/// type, `geom` geometry(TYPE, SRID) with a GiST index, `row_version` integer. Text is stored
/// as UTF-8 (shapefiles decoded per their DBF's encoding, as everywhere else); reals keep every
/// bit; nulls stay null and masked values ("xx", "**") stay as they are. One transaction: on
/// any failure the server is left as it was. The park's groups of users are granted their
/// rights (grantParkRoles) when the roles exist. Throws IoError (PgError) naming the layer.
std::vector<TransferredLayer> pushPark(const ParkDefinition& park, const std::string& connection,
                                       const PushOptions& options, IssueSink& issues);

struct PullOptions {
    std::string schema;     // "" = the connection's current schema
    bool overwrite = false; // replace an existing DEST
};

/// Brings the conventional tables of a schema back into a GeoPackage: same layer names, FIDs,
/// fields, types and geometry; the row_version column stays on the server. Atomic: written
/// beside DEST under a temporary name and renamed into place when complete.
std::vector<TransferredLayer> pullPark(const std::string& connection,
                                       const std::string& destination, const PullOptions& options,
                                       IssueSink& issues);

/// The groups of users of a park's store, NOLOGIN roles a server administrator grants to
/// people (GRANT parkatlas_auditor TO alice):
///   parkatlas_auditor        reads every table of the park's schema;
///   parkatlas_planner        reads everything, inserts, updates and deletes expansion zones only;
///   parkatlas_administrator  reads and writes every table.
inline constexpr const char* kAuditorRole = "parkatlas_auditor";
inline constexpr const char* kPlannerRole = "parkatlas_planner";
inline constexpr const char* kAdministratorRole = "parkatlas_administrator";

/// Creates the three roles when missing (needs CREATEROLE) and grants them their rights on
/// the park's tables in `schema`. Throws PgError when the session may not.
void grantParkRoles(class PgConnection& connection, const std::string& schema);

} // namespace parkatlas::geo
