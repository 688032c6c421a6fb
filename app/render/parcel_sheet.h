#pragma once

#include "app/render/page_layout.h"
#include "geo/io/source.h"
#include "geo/measure/area.h"
#include "geo/measure/boundary_points.h"
#include "geo/measure/four_sides.h"
#include "geo/model/land_use_classification.h"
#include "geo/model/park.h"

#include <QImage>
#include <QRectF>
#include <QString>
#include <QStringList>

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

class QPainter;

namespace parkatlas::render {

/// What one parcel sheet (宗地图 with its 界址点成果表) shows, worked out from the park.
struct ParcelSheet {
    std::size_t feature = 0; // row of the plot in its layer
    QString plotId;          // the layer's id field (parcel_id …), else "FID n"
    QString owner;           // "" when unknown
    QString landUseCode;
    QString landUseName; // in the layer's classification; "" when the code is in none
    double areaM2 = 0;   // by ParcelSheetOptions::areaMethod; NaN when it cannot be measured
    geo::BoundaryPoints points;
    geo::FourSides sides;
    /// What is wrong with the plot's geometry (GEOS's reason for an invalid one, rings left
    /// out): printed on the sheet, which is drawn all the same.
    QStringList problems;

    double areaMu() const;
};

struct ParcelSheetOptions {
    /// The paper (A4 or A3; sheets are portrait), the title (default 宗地图), the organisation,
    /// the date (empty: today), the scale (0: the next round scale that fits the plot) and a
    /// footnote. A template (--template) is read into one of these.
    PageLayout layout;
    geo::AreaMethod areaMethod = geo::AreaMethod::Ellipsoidal;
    /// The road names and neighbours are looked for this far out from a plot (m).
    geo::FourSidesOptions fourSides;
};

/// The contract field that numbers the plots of `role`: parcel_id, zone_id, batch_id, case_id,
/// else name.
const char* plotIdFieldOf(geo::Role role);

/// The default sheet layout: A4 portrait, title 宗地图.
PageLayout defaultParcelSheetLayout();

/// The parcel sheets of one polygon layer of a park: finds plots by id, works out each sheet
/// (boundary points, 四至 from the same layer and the roads, area, land-use name) and draws it
/// on one or more pages (the coordinate table goes on when it does not fit). Holds the park;
/// sheet(), paint() and renderImage() may be called from several threads at once.
class ParcelSheetBook {
public:
    /// Throws geo::Error naming the layer when the park has no layer of that role, when it
    /// does not hold polygons, or when the park's CRS is not projected (coordinates of a
    /// sheet are plane coordinates: the error proposes the Gauss-Krüger zone to read it in).
    ParcelSheetBook(std::shared_ptr<const geo::Park> park, geo::Role role,
                    ParcelSheetOptions options);
    ~ParcelSheetBook();

    const geo::ParkLayer& layer() const { return *m_layer; }
    const geo::Park& park() const { return *m_park; }
    /// The id field of the layer's role (parcel_id, zone_id, batch_id, case_id, name) or -1.
    int idField() const { return m_idField; }
    /// Rows whose id is `id` (several when the id is duplicated); an id "FID n" or a plain
    /// number also matches the source FID when the layer has no id field.
    std::vector<std::size_t> find(const std::string& id) const;
    QString plotId(std::size_t feature) const;

    ParcelSheet sheet(std::size_t feature) const;

    /// Pages the sheet takes (1, or more when its coordinate table is long).
    int pageCount(const ParcelSheet& sheet) const;
    QSizeF pageSizeMm() const { return m_pageMm; }
    /// The map's scale 1:N for the sheet.
    double scaleDenominator(const ParcelSheet& sheet) const;

    /// A neighbouring plot's label on the map of a sheet's first page: its number and owner.
    struct NeighbourLabel {
        std::size_t feature = 0;
        QString text;  // lines: the plot's number, its owner when known
        QRectF boxMm;  // where it is drawn, on the page (mm)
        double points = 0; // the font size
    };
    /// The neighbours' labels on the sheet's map, placed so that none overlaps another, the
    /// plot and its boundary-point and edge labels, the north arrow, the scale bar or the
    /// problems note: those in the 四至 first (the longest facing first), then the others by
    /// how much of them shows. Each goes to its visible part's centre, else to another free
    /// place inside it, else in a smaller font, else it is left out.
    std::vector<NeighbourLabel> neighbourLabels(const ParcelSheet& sheet) const;

    /// Paints page `page` (0-based) of `sheet` on a device of `dpi` at least the page's size.
    void paint(QPainter& painter, double dpi, const ParcelSheet& sheet, int page) const;
    QImage renderImage(const ParcelSheet& sheet, int page, double dpi) const;

    /// Writes the sheets of `features` into one PDF (each sheet's pages in turn), atomically:
    /// nothing is left at `path` unless it is complete. `progress` (may be empty) is called
    /// after each sheet with the share done; returning false cancels (nothing is written).
    /// Returns the pages written, nullopt when cancelled. Throws geo::IoError naming the path
    /// when it cannot be written.
    std::optional<std::size_t> writePdf(const QString& path, const std::vector<std::size_t>& features,
                  const geo::ProgressCallback& progress) const;

private:
    struct Row;
    std::vector<Row> tableRows(const ParcelSheet& sheet) const;
    int rowsOnFirstPage() const;
    int rowsOnLaterPage() const;

    std::shared_ptr<const geo::Park> m_park;
    const geo::ParkLayer* m_layer = nullptr;
    const geo::ParkLayer* m_roads = nullptr;
    ParcelSheetOptions m_options;
    int m_idField = -1;
    int m_ownerField = -1;
    int m_landUseField = -1;
    int m_roadNameField = -1;
    double m_unitM = 1;
    const geo::LandUseClassification* m_classification = nullptr;
    geo::LandUseDetection m_systems;
    std::unique_ptr<geo::FourSidesFinder> m_finder;
    QSizeF m_pageMm;
};

} // namespace parkatlas::render
