#include "spawn/launcher/spot_tags.hpp"

#include "spawn/model/tags.hpp"

namespace spawn::launcher {
namespace tag = model::tag;

aws::ec2::Tags launch_spot_tags(const model::SpotOptions& spot) {
  if (!spot.enabled) return {};
  aws::ec2::Tags tags{{tag::k_spot_max_price, spot.max_price_tag()},
                      {tag::k_on_interruption, std::string(model::to_string(spot.interruption()))}};
  if (spot.checkpoint_script) tags[tag::k_checkpoint_script] = spot.checkpoint_script->tag_value();
  return tags;
}

aws::ec2::Tags member_spot_tags(bool spot, bool fell_back) {
  aws::ec2::Tags tags{{tag::k_spot, spot ? "true" : "false"}};
  if (fell_back) tags[tag::k_spot_fallback] = "true";
  return tags;
}

}  // namespace spawn::launcher
