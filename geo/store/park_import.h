#pragma once

#include "geo/crs/gauss_kruger.h"
#include "geo/io/encoding.h"
#include "geo/io/source.h"
#include "geo/io/table_join.h"
#include "geo/model/layer.h"
#include "geo/model/role.h"
#include "geo/progress.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

class GDALDataset;

namespace parkatlas::geo {

class IssueSink;
class JsonWriter;

/// What the user says about layers the importer cannot place by name: the MAP.json of
/// `parkatlas import --mapping` (README, "Importing a park"):
///
///     {
///       "layers": {
///         "PLOT-A":               "plan_zones",
///         "park.gpkg:plan_zones": null,
///         "ZD_2024": {"role": "parcels", "kind": "…", "fields": {"BH": "parcel_id", "BZ": null}}
///       },
///       "close_tolerance_m": 0.05
///     }
///
/// A key is a layer name (a CAD layer, or a layer of a GIS source), or "FILE:LAYER" with the
/// source's file name for one source only; matched case-insensitively. A value is a role name,
/// null (skip the layer), or an object with `role` (null: skip), `kind` (fills the role's kind
/// field where the source has none) and `fields` (source field → contract field, null drops
/// it). `close_tolerance_m`: a CAD polyline whose ends are this close is closed into a polygon.
///
/// The viewer's Import dialog says the same per layer of one source exactly (`exact`), which
/// goes before the names.
struct ImportMapping {
    struct LayerRule {
        std::optional<Role> role; // nullopt with skip = false cannot happen once loaded
        bool skip = false;
        std::string kind;
        std::map<std::string, std::optional<std::string>> fields; // lower-case source name
        /// Who decided, as the report's role_reason says it ("--mapping", "chosen by the user").
        std::string origin = "--mapping";
    };
    std::map<std::string, LayerRule> layers; // lower-case key
    /// (dataset path as the importer lists it, layer name as read) → rule: the choices made for
    /// one layer of one source (ImportedLayer::source and ::layer of a plan). Checked first.
    std::map<std::pair<std::string, std::string>, LayerRule> exact;
    double closeToleranceM = 0.05;

    /// Throws IoError naming the file and the entry that is wrong.
    static ImportMapping load(const std::string& path);
    /// The rule for a layer of a source file, or null.
    const LayerRule* find(const std::string& sourcePath, const std::string& layerName) const;
};

struct ImportOptions {
    std::vector<std::string> sources;
    std::string output;      // the park GeoPackage to write
    std::string sourceSrs;   // --s-srs: the CRS of sources that have none (every drawing)
    std::string encoding;    // --encoding: overrides every source's text encoding
    ImportMapping mapping;
    bool overwrite = false;
    ProgressCallback progress;
    /// The ledgers to join (--join TABLE --on KEY[=COLUMN]), in order, onto the finished park
    /// before it is renamed into place; a spec without encoding takes `encoding`. A join that
    /// fails leaves nothing written.
    std::vector<JoinSpec> joins;
    /// Called with the finished park (open for update) after the joins, before it is renamed
    /// into place. May throw; then nothing is written.
    std::function<void(GDALDataset& park, IssueSink& issues)> beforeCommit;
};

/// One feature (entity) that did not become a park feature, and why.
struct DroppedFeature {
    std::string entity; // "entity 2F" (CAD handle) or "feature 12"
    std::string reason;
};

/// A source layer (a CAD layer, or a layer of a GIS source) and what became of it.
struct ImportedLayer {
    std::string source;
    std::string layer;
    bool cad = false;
    std::optional<Role> role;
    std::string roleReason; // "CAD layer table: 控规地块", "--mapping", "layer name" …
    std::string kind;       // from the table or the mapping
    std::int64_t featuresIn = 0;  // entities / features read (texts not counted)
    std::int64_t featuresOut = 0; // written to the role's layer
    std::int64_t texts = 0;       // TEXT/MTEXT/ATTRIB on this layer
    std::vector<std::pair<std::string, std::string>> fields; // source → target ("" dropped)
    std::vector<DroppedFeature> dropped;
    // What a plan shows to choose by (not in the JSON report):
    std::string geometryType;         // OGR's name ("Multi Polygon"); "CAD entities" for drawings
    std::vector<FieldDef> sourceFields; // the layer's own fields (none for a drawing's layers)
    std::string sourceCrs;            // the layer's own CRS ("" when it has none)
};

/// A text of a drawing that did not become a field of a plot, and why.
struct UnassignedText {
    std::string source, layer, entity, text;
    double x = 0, y = 0;
    std::string reason;
};

/// A plot polygon of a drawing whose labels could not be read into fields without guessing.
struct PlotProblem {
    std::string source, layer, entity;
    std::string role;
    std::int64_t fid = -1; // in the output layer
    std::string plotId;
    std::string problem;
};

struct ImportedSource {
    std::string path;
    std::string kind; // "DXF", "DWG", or the GDAL driver's name
    EncodingChoice encoding;
    std::string cadVersion; // "AC1015 (R2000)" for drawings
    std::vector<std::string> warnings;
};

struct ImportReport {
    std::string output;
    std::string crs;       // label of the park's CRS
    std::string crsOrigin; // "--s-srs", or the layer it was taken from
    std::vector<ImportedSource> sources;
    std::vector<ImportedLayer> layers;
    std::int64_t textsAssigned = 0;
    std::int64_t textsNotLabels = 0; // texts on layers whose role takes no labels (road names)
    std::vector<UnassignedText> unassignedTexts;
    std::vector<PlotProblem> plotProblems;
    std::int64_t plotsLabelled = 0; // plots that got at least one field from their texts
    std::map<std::string, std::int64_t> written; // role name → features
    /// Roles filled from layers of more than one source file (park.gpkg's plan_zones and a
    /// drawing's 控规地块): likely the same plan twice. Said, never resolved by a guess.
    std::vector<std::string> rolesFromSeveralSources;
    /// The ledgers joined (ImportOptions::joins), in order.
    std::vector<JoinReport> joins;
};

/// Builds a park GeoPackage with the data contract's layer and field names from any mix of
/// sources: drawings (DXF; DWG R2000), GeoPackages, shapefile folders, File and Personal
/// Geodatabases, anything openVectorDataset opens. Layers go to roles by `options.mapping`,
/// then by name (roleFromLayerName), then for drawings by CadLayerTable::standard(); fields by
/// the mapping, then by the contract's names and aliases (others kept). In a drawing, closed
/// polylines, polylines whose ends meet within the tolerance and hatches become polygons (arcs
/// densified so a plot's area is within 0.01 m² of the exact arc area), and the texts and block
/// attributes inside each plot become its fields (cad_label.h). Inputs are only read; the
/// output is built under a temporary name and renamed into place. Throws IoError (nothing
/// useful could be built, the output exists without overwrite, a DWG GDAL cannot read),
/// CrsError (a source without a CRS and no --s-srs; the message proposes zones), Cancelled.
/// Problems with single features, texts and layers go to `issues` and the report.
ImportReport importPark(const ImportOptions& options, IssueSink& issues);
/// The same, filling `report` as it goes, so that what was learnt before a failure can still
/// be shown (the CLI writes --report also when the import fails).
void importPark(const ImportOptions& options, IssueSink& issues, ImportReport& report);

/// True for the roles whose drawn plots take their fields from the texts inside them (plan
/// zones, parcels, acquisition, idle land, expansion); road and boundary layers take none.
bool takesCadLabels(Role role);

/// The report as one JSON object (what `--report` writes), the joins as "joins" (an empty list
/// without any).
void writeImportReport(const ImportReport& report, JsonWriter& json);

// ---- Planning an import: what would become what, before anything is written -----------------

/// A text of a drawing and what the import would do with it.
struct PlannedText {
    std::string source, layer, entity, text;
    double x = 0, y = 0; // in the drawing's coordinates
    bool assigned = false;
    /// False for a text on a layer whose role takes no labels (a road name on a road layer):
    /// never a plot's label.
    bool label = true;
    /// Assigned: the plot layer and entity it labels (the smallest plot holding it, per role;
    /// the first of them when it labels plots of two roles).
    std::string plotLayer, plotEntity;
    /// Not assigned: why (outside every plot, on a plot's edge, on a layer of road names …).
    std::string reason;
};

/// A source with no coordinate system while ImportOptions::sourceSrs is empty: what its
/// coordinates suggest. The build would stop with `message`; the plan goes on with the raw
/// coordinates.
struct CrsQuestion {
    std::string path;
    std::string layer; // "" for a drawing
    Envelope extent;
    std::optional<ZoneProposal> proposal; // zone-prefixed eastings name their zone
    std::string hint;                     // other advice (plain Gauss-Krüger metres, degrees)
    std::string message;                  // the CrsError text the build gives
};

/// What importPark would do with the same options, worked out by running the same import into
/// a GeoPackage in memory: every source layer with the role it goes to and why, its fields and
/// where they go, features in and out, what would be dropped; every text of the drawings and
/// the plot it would label; and the park that would be built, for a preview.
struct ImportPlan {
    /// As importPark reports it, `output` aside; `written` is what the build would write.
    ImportReport report;
    std::vector<PlannedText> texts;
    std::vector<CrsQuestion> crsQuestions;
    /// The park that would be built, one layer per role (named after the role), in the park's
    /// CRS (report.crs; the raw coordinates of sources without one). Attributes included.
    std::vector<Layer> preview;
    /// Non-empty when the build would stop with this message although the CRS were given
    /// ("nothing could be imported …").
    std::string nothingToBuild;
};

/// Plans the import of `options.sources` with `options.mapping` (the user's choices go into
/// ImportMapping::exact): reads every source as importPark does and writes nothing to disk;
/// `output`, `overwrite`, `joins` and `beforeCommit` are not used. A source without a CRS is
/// a CrsQuestion, not an error. Throws IoError when a source cannot be read at all (a DWG GDAL
/// cannot read, a .mdb without its driver), Cancelled. Issues go to `issues`. Blocking: run it
/// on a worker. Thread-safety: reentrant (each call opens its own datasets).
ImportPlan planImport(const ImportOptions& options, IssueSink& issues);

/// The rule that makes importPark put layer `layer` of a plan as the user chose: `role`
/// (nullopt: left out), the kind the plan found kept where the role is the one it proposed, and
/// `fields` (source field → target, "" to drop) as the user set them (empty: as the importer
/// finds them for the role). `origin` is what the report gives as the reason. Put it into
/// ImportMapping::exact under (layer.source, layer.layer).
ImportMapping::LayerRule ruleFor(const ImportedLayer& layer, std::optional<Role> role,
                                 const std::vector<std::pair<std::string, std::string>>& fields,
                                 const std::string& origin = "chosen by the user");

/// Arc densification used for drawings (GDAL's OGR_ARC_STEPSIZE in degrees and
/// OGR_ARC_MAX_GAP in drawing units): a chord of angle θ on radius R cuts R²(θ − sin θ)/2 off
/// the arc, so an arc of angle Φ loses at most about c²Φ/12 with chords no longer than c:
/// 0.25 m chords lose under 0.035 m² on a whole circle of any radius.
constexpr double kArcStepDeg = 0.5;
constexpr double kArcMaxGapM = 0.25;

} // namespace parkatlas::geo
