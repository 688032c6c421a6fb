#include "geo/io/convert.h"

#include "geo/ascii.h"
#include "geo/error.h"
#include "geo/io/atomic_file.h"
#include "geo/io/gdal_open.h"
#include "geo/io/history_read.h"
#include "geo/io/vct_writer.h"
#include "geo/issue.h"

#include <gdal_utils.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <unistd.h>

namespace parkatlas::geo {

namespace fs = std::filesystem;

namespace {

struct OutputFormat {
    std::string driver;
    bool folder = false;      // a folder of shapefiles
    bool singleLayer = false; // the format holds one layer
};

OutputFormat formatFor(const fs::path& destination)
{
    const std::string ext = lowerAscii(destination.extension().string());
    if (ext.empty())
        return {"ESRI Shapefile", true, false};
    static const std::map<std::string, OutputFormat> kFormats = {
        {".gpkg", {"GPKG", false, false}},     {".geojson", {"GeoJSON", false, true}},
        {".json", {"GeoJSON", false, true}},   {".shp", {"ESRI Shapefile", false, true}},
        {".fgb", {"FlatGeobuf", false, true}}, {".kml", {"KML", false, false}},
        {".csv", {"CSV", false, true}},        {".dxf", {"DXF", false, true}},
        {".sqlite", {"SQLite", false, false}},
        {".vct", {"VCT", false, false}}, // ours: vct_writer.h
    };
    auto it = kFormats.find(ext);
    if (it == kFormats.end())
        throw IoError("cannot tell the output format from the extension '" + ext +
                          "' (use .gpkg, .geojson, .shp, .fgb, .kml, .csv, .dxf, .vct, or a folder "
                      "name)",
                      {destination.string(), {}, -1, {}});
    return it->second;
}

bool sameFile(const fs::path& a, const fs::path& b)
{
    std::error_code ec;
    if (fs::exists(a, ec) && fs::exists(b, ec))
        return fs::equivalent(a, b, ec);
    return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec);
}

/// Same folder and same name but for the extension, in any letter case ("a/x.SHP", "a/x.dbf").
bool sameBaseName(const fs::path& a, const fs::path& b)
{
    std::error_code ec;
    const fs::path folderA = fs::weakly_canonical(fs::absolute(a).parent_path(), ec);
    const fs::path folderB = fs::weakly_canonical(fs::absolute(b).parent_path(), ec);
    return folderA == folderB && lowerAscii(a.stem().string()) == lowerAscii(b.stem().string());
}

const char* const kShapefileParts[] = {".shp", ".shx", ".dbf", ".prj", ".cpg"};

/// `path` with extension `lowerExt`, in the letter case of path's own extension.
fs::path withExtensionLike(const fs::path& path, const std::string& lowerExt)
{
    const std::string own = path.extension().string();
    const bool upper = !own.empty() && std::all_of(own.begin() + 1, own.end(), [](unsigned char c) {
        return std::isupper(c) != 0;
    });
    std::string ext = lowerExt;
    if (upper)
        std::transform(ext.begin(), ext.end(), ext.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    fs::path result = path;
    result.replace_extension(ext);
    return result;
}

/// Every file DEST will be: one, or a shapefile's parts.
std::vector<fs::path> destinationFiles(const fs::path& dest, const OutputFormat& format)
{
    if (format.driver != "ESRI Shapefile" || format.folder)
        return {dest};
    std::vector<fs::path> files;
    for (const char* ext : kShapefileParts)
        files.push_back(withExtensionLike(dest, ext));
    return files;
}

int progressThunk(double done, const char*, void* data)
{
    auto* callback = static_cast<const ProgressCallback*>(data);
    return (*callback)(done) ? TRUE : FALSE;
}

} // namespace

std::vector<ConvertedLayer> convertSource(const std::string& source, const std::string& destination,
                                          const ConvertOptions& options, IssueSink& issues)
{
    ensureGdal();
    const fs::path dest(destination);
    const OutputFormat format = formatFor(dest);
    // A folder's files that cannot be opened are reported, and the others converted.
    const LayerListing listing = listSourceLayers(source);
    for (const std::string& failure : listing.failures)
        issues.report({Issue::Severity::Error, source, {}, -1, failure + " (not converted)"});
    if (listing.layers.empty())
        throw IoError("nothing in the source could be opened", {source, {}, -1, {}});
    std::vector<LayerRef> refs = listing.layers;
    // As of a day (open.asOf): each layer as its history says it was; the history tables are
    // not part of the park on that day.
    std::string cutoff;
    if (!options.open.asOf.empty()) {
        cutoff = parkDateCutoff(parseParkDate(options.open.asOf, "--as-of"));
        std::erase_if(refs, [](const LayerRef& ref) {
            return std::string_view(ref.layerName).ends_with(kHistorySuffix);
        });
        if (refs.empty())
            throw IoError("nothing in the source but history", {source, {}, -1, {}});
    }

    // DEST may never be an input, nor share a shapefile's name with one (a shapefile is
    // several files, and readers find the parts in any letter case), nor (for a folder) hold
    // one.
    for (const LayerRef& ref : refs) {
        const bool inputIsShapefile =
            lowerAscii(fs::path(ref.datasetPath).extension().string()) == ".shp" ||
            lowerAscii(fs::path(ref.datasetPath).extension().string()) == ".dbf";
        const bool destIsShapefile = format.driver == "ESRI Shapefile" && !format.folder;
        if (sameFile(dest, ref.datasetPath) || sameFile(dest, source) ||
            (inputIsShapefile && destIsShapefile && sameBaseName(dest, ref.datasetPath)))
            throw IoError("the destination is the input (or one of its files); choose another "
                          "name",
                          {destination, {}, -1, {}});
        std::error_code ec;
        if (format.folder && fs::exists(dest, ec) &&
            sameFile(fs::path(ref.datasetPath).parent_path(), dest))
            throw IoError("the destination folder holds the input; choose another folder",
                          {destination, {}, -1, {}});
    }
    std::error_code ec;
    for (const fs::path& file : destinationFiles(dest, format))
        if (fs::exists(file, ec) && !options.overwrite)
            throw IoError("the destination exists (" + file.filename().string() +
                              "); pass --overwrite to replace it",
                          {destination, {}, -1, {}});
    if (format.singleLayer && refs.size() > 1)
        throw IoError("the source has " + std::to_string(refs.size()) +
                          " layers but this format holds one; write a .gpkg or a folder",
                      {destination, {}, -1, {}});

    const fs::path parent = dest.has_parent_path() ? dest.parent_path() : fs::path(".");
    if (!fs::is_directory(parent, ec))
        throw IoError("the destination's folder does not exist", {destination, {}, -1, {}});
    if (format.driver == "VCT") {
        // GDAL writes no GB/T 17798: our writer does, atomically like the rest.
        VctWriteOptions vct;
        vct.open = options.open;
        vct.targetSrs = options.targetSrs;
        vct.overwrite = options.overwrite;
        if (!options.vctEncoding.empty())
            vct.encoding = options.vctEncoding;
        if (!isKnownEncoding(vct.encoding))
            throw IoError("unknown text encoding '" + vct.encoding + "' for the VCT file",
                          {destination, {}, -1, {}});
        std::vector<ConvertedLayer> converted;
        for (const VctWrittenTable& table : writeVct(refs, destination, vct, issues)) {
            ConvertedLayer done;
            done.sourceDataset = table.sourceDataset;
            done.sourceLayer = table.sourceLayer;
            done.targetLayer = table.table;
            done.featureCount = table.featureCount;
            done.encoding = table.sourceEncoding;
            done.crsLabel = table.crsLabel;
            converted.push_back(std::move(done));
        }
        return converted;
    }
    // Written under a hidden name beside DEST and moved into place when complete (GDAL picks
    // the driver by the extension: a lower-case one).
    AtomicOutput temporary(dest,
                           format.folder ? AtomicOutput::Kind::Folder : AtomicOutput::Kind::File,
                           format.folder ? std::string() : lowerAscii(dest.extension().string()));

    std::vector<ConvertedLayer> converted;
    std::set<std::string> usedNames;
    GDALDatasetH output = nullptr;
    // GDAL 3.6's GDALClose reports nothing: a write that fails while closing (the last pages
    // of a GeoPackage on a full disk) shows only in the captured errors.
    auto closeOutput = [&] {
        if (output) {
            GdalErrorCapture errors;
            GDALClose(output);
            output = nullptr;
            if (!errors.lastFailure().empty()) {
                const std::string disk = diskProblemAt(dest);
                throw IoError("cannot write: " + (disk.empty() ? "" : disk + ": ") +
                                  errors.lastFailure(),
                              {destination, {}, -1, {}});
            }
        }
    };
    try {
        for (std::size_t index = 0; index < refs.size(); ++index) {
            const LayerRef& ref = refs[index];
            GdalErrorCapture errors;
            const EncodingChoice encoding = encodingForDataset(ref.datasetPath, options.open);
            GDALDatasetUniquePtr input = openVectorDataset(ref.datasetPath, encoding, errors);
            OGRLayer* layer = input->GetLayerByName(ref.layerName.c_str());
            if (!layer)
                throw IoError("layer disappeared while converting",
                              {ref.datasetPath, ref.layerName, -1, {}});
            for (Issue& issue : readerIssues(*input, ref.layerName)) {
                issue.path = ref.datasetPath;
                issues.report(std::move(issue));
            }
            const bool hasCrs = layer->GetSpatialRef() != nullptr;

            std::string targetName = ref.layerName;
            for (int n = 2; usedNames.count(lowerAscii(targetName)); ++n)
                targetName = ref.layerName + "_" + std::to_string(n);
            usedNames.insert(lowerAscii(targetName));

            CPLStringList argv;
            argv.AddString("-f");
            argv.AddString(format.driver.c_str());
            argv.AddString("-nln");
            argv.AddString(targetName.c_str());
            if (!options.open.sourceSrs.empty()) {
                argv.AddString(options.targetSrs.empty() ? "-a_srs" : "-s_srs");
                argv.AddString(options.open.sourceSrs.c_str());
            }
            if (!options.targetSrs.empty()) {
                if (!hasCrs && options.open.sourceSrs.empty())
                    throw CrsError("the layer has no coordinate system, so it cannot be "
                                   "reprojected; give its CRS with --s-srs",
                                   {ref.datasetPath, ref.layerName, -1, {}});
                argv.AddString("-t_srs");
                argv.AddString(options.targetSrs.c_str());
            }
            if (format.driver == "GPKG" || format.driver == "FlatGeobuf") {
                // Shapefiles mix Polygon and MultiPolygon under one declared type.
                argv.AddString("-nlt");
                argv.AddString("PROMOTE_TO_MULTI");
            }
            if (format.driver == "ESRI Shapefile") {
                argv.AddString("-lco");
                argv.AddString("ENCODING=UTF-8");
            }
            if (format.driver == "GPKG") {
                argv.AddString("-gt");
                argv.AddString("65536");
            }
            const std::string asOf =
                cutoff.empty() ? std::string() : layerAsOfSql(*input, *layer, cutoff);
            if (!asOf.empty()) {
                argv.AddString("-sql");
                argv.AddString(asOf.c_str());
            } else {
                if (!cutoff.empty())
                    issues.report({Issue::Severity::Warning, ref.datasetPath, ref.layerName, -1,
                                   "the layer keeps no history: converted as it is now, not as "
                                   "of " + options.open.asOf});
                argv.AddString(ref.layerName.c_str());
            }

            GDALVectorTranslateOptions* translateOptions =
                GDALVectorTranslateOptionsNew(argv.List(), nullptr);
            if (options.progress) {
                GDALVectorTranslateOptionsSetProgress(
                    translateOptions, progressThunk,
                    const_cast<ProgressCallback*>(&options.progress));
            }
            std::string outputName = temporary.path().string();
            if (format.folder)
                outputName = (temporary.path() / (targetName + ".shp")).string();
            GDALDatasetH sourceHandle = GDALDataset::ToHandle(input.get());
            int usageError = FALSE;
            GDALDatasetH result = nullptr;
            if (output && !format.folder) {
                result = GDALVectorTranslate(nullptr, output, 1, &sourceHandle, translateOptions,
                                             &usageError);
            } else {
                result = GDALVectorTranslate(outputName.c_str(), nullptr, 1, &sourceHandle,
                                             translateOptions, &usageError);
            }
            GDALVectorTranslateOptionsFree(translateOptions);
            if (!result) {
                if (options.progress && !options.progress(0.0))
                    throw Cancelled();
                // The first failure is the cause (a DBF that cannot be read), the last says
                // what GDAL gave up on ("Failed to process SRS definition: EPSG:0"); SQLite
                // complaints after them are consequences (a trigger on a table never made).
                std::string cause;
                for (const GdalErrorCapture::Message& message : errors.messages())
                    if (message.failure && cause.empty())
                        cause = message.text;
                const std::string last = errors.lastFailure();
                if (last != cause && last.rfind("sqlite3_exec", 0) != 0)
                    cause += "; " + last;
                if (const std::string disk = diskProblemAt(dest); !disk.empty())
                    throw IoError("cannot write: " + disk + " (" + cause + ")",
                                  {destination, {}, -1, {}});
                throw IoError("the conversion failed: " + cause,
                              {ref.datasetPath, ref.layerName, -1, {}});
            }
            if (format.folder) {
                GdalErrorCapture closeErrors;
                GDALClose(result);
                if (!closeErrors.lastFailure().empty()) {
                    const std::string disk = diskProblemAt(dest);
                    throw IoError("cannot write: " + (disk.empty() ? "" : disk + ": ") +
                                      closeErrors.lastFailure(),
                                  {destination, targetName, -1, {}});
                }
            } else {
                output = result;
            }
            for (const auto& message : errors.take())
                issues.report({message.failure ? Issue::Severity::Error : Issue::Severity::Warning,
                               ref.datasetPath, ref.layerName, -1, message.text});

            ConvertedLayer done;
            done.sourceDataset = ref.datasetPath;
            done.sourceLayer = ref.layerName;
            done.targetLayer = targetName;
            done.featureCount = layer->GetFeatureCount(TRUE);
            if (!asOf.empty())
                if (OGRLayer* then = input->ExecuteSQL(asOf.c_str(), nullptr, nullptr)) {
                    done.featureCount = then->GetFeatureCount(TRUE);
                    input->ReleaseResultSet(then);
                }
            done.encoding = encoding;
            const char* targetSrs = options.targetSrs.empty() ? nullptr : options.targetSrs.c_str();
            if (targetSrs)
                done.crsLabel = options.targetSrs;
            else if (!options.open.sourceSrs.empty())
                done.crsLabel = options.open.sourceSrs;
            else
                done.crsLabel = Crs::fromOgr(layer->GetSpatialRef()).label();
            converted.push_back(std::move(done));
        }
        closeOutput();
    } catch (...) {
        try {
            closeOutput();
        } catch (const IoError&) {
            // The first error is the one to report.
        }
        throw;
    }
    // On the disk, then into place (a shapefile's .shp last; a folder swapped whole). A failed
    // move (a folder where the file goes, a read-only folder) is an IoError naming DEST.
    temporary.commit();
    return converted;
}

} // namespace parkatlas::geo
