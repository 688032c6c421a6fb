#include "app/desktop/feature_selection.h"

#include <algorithm>

namespace parkatlas::desktop {

namespace {

void normalise(FeatureSelection::Features& features)
{
    std::sort(features.begin(), features.end());
    features.erase(std::unique(features.begin(), features.end()), features.end());
}

} // namespace

const FeatureSelection::Features& FeatureSelection::features(std::size_t layer) const
{
    static const Features kNone;
    const auto found = m_layers.find(layer);
    return found == m_layers.end() ? kNone : found->second;
}

bool FeatureSelection::contains(std::size_t layer, std::uint32_t feature) const
{
    const Features& selected = features(layer);
    return std::binary_search(selected.begin(), selected.end(), feature);
}

std::size_t FeatureSelection::count() const
{
    std::size_t total = 0;
    for (const auto& [layer, features] : m_layers)
        total += features.size();
    return total;
}

void FeatureSelection::setSelection(std::map<std::size_t, Features> layers)
{
    for (auto it = layers.begin(); it != layers.end();) {
        normalise(it->second);
        it = it->second.empty() ? layers.erase(it) : std::next(it);
    }
    if (layers == m_layers)
        return;
    m_layers = std::move(layers);
    emit changed();
}

void FeatureSelection::setLayerSelection(std::size_t layer, Features features)
{
    std::map<std::size_t, Features> layers = m_layers;
    layers[layer] = std::move(features);
    setSelection(std::move(layers));
}

void FeatureSelection::add(std::size_t layer, const Features& features)
{
    Features merged = this->features(layer);
    merged.insert(merged.end(), features.begin(), features.end());
    setLayerSelection(layer, std::move(merged));
}

void FeatureSelection::toggle(std::size_t layer, std::uint32_t feature)
{
    Features selected = features(layer);
    const auto found = std::lower_bound(selected.begin(), selected.end(), feature);
    if (found != selected.end() && *found == feature)
        selected.erase(found);
    else
        selected.insert(found, feature);
    setLayerSelection(layer, std::move(selected));
}

void FeatureSelection::clear()
{
    setSelection({});
}

} // namespace parkatlas::desktop
