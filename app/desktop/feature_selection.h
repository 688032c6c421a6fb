#pragma once

#include <QObject>

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

namespace parkatlas::desktop {

/// The selected features of the map: per layer (its index in the canvas's drawing order), the
/// feature indices in ascending order. Every change emits changed() once. Lives on the GUI
/// thread.
class FeatureSelection : public QObject {
    Q_OBJECT
public:
    using Features = std::vector<std::uint32_t>;

    explicit FeatureSelection(QObject* parent = nullptr) : QObject(parent) {}

    const std::map<std::size_t, Features>& layers() const { return m_layers; }
    /// The selected features of `layer` (empty when none).
    const Features& features(std::size_t layer) const;
    bool contains(std::size_t layer, std::uint32_t feature) const;
    std::size_t count() const;
    bool isEmpty() const { return count() == 0; }

    /// Replaces the whole selection.
    void setSelection(std::map<std::size_t, Features> layers);
    /// Replaces the selection of one layer and leaves the others (`features` in any order).
    void setLayerSelection(std::size_t layer, Features features);
    /// Adds features of `layer` to the selection (Ctrl-click, Ctrl-box).
    void add(std::size_t layer, const Features& features);
    /// Selects the feature if it is not, deselects it if it is (Ctrl-click on one feature).
    void toggle(std::size_t layer, std::uint32_t feature);
    void clear();

signals:
    void changed();

private:
    std::map<std::size_t, Features> m_layers;
};

} // namespace parkatlas::desktop
