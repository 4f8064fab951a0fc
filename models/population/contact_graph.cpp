// The contact graph: generated on demand with a power-law degree, or loaded from an edge list.
#include "models/population/contact_graph.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mailstorm::models {

ContactGraph::ContactGraph(std::uint32_t members, GeneratedShape shape)
    : members_(members), vertex_count_(members), generated_(true), shape_(shape) {}

ContactGraph ContactGraph::from_edge_list(const std::string& path, std::uint32_t members) {
  std::ifstream in(path);
  if (!in) {
    const int error = errno;
    throw std::runtime_error("population.contact_graph_file: cannot open the contact-graph edge list '" +
                             path + "': " + std::strerror(error));
  }
  ContactGraph g;
  g.members_ = members;
  g.vertex_count_ = members;
  g.generated_ = false;
  std::vector<std::pair<Vertex, Vertex>> arcs;  // both directions of each edge, in the file's order
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const auto hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    std::istringstream ls(line);
    long long u, v;
    if (!(ls >> u)) continue;  // blank or comment
    if (!(ls >> v) || u < 0 || v < 0 || u > 100'000'000 || v > 100'000'000)
      throw std::runtime_error(path + ":" + std::to_string(line_no) +
                               ": expected two vertex numbers (0 .. 100000000) per line");
    std::string rest;
    if (ls >> rest)
      throw std::runtime_error(path + ":" + std::to_string(line_no) + ": unexpected '" + rest + "'");
    g.vertex_count_ = std::max(g.vertex_count_, static_cast<std::uint32_t>(std::max(u, v) + 1));
    if (u == v) continue;  // a self-loop reaches nobody
    arcs.emplace_back(static_cast<Vertex>(u), static_cast<Vertex>(v));
    arcs.emplace_back(static_cast<Vertex>(v), static_cast<Vertex>(u));
  }
  // The multi-pass constructor places each vertex's arcs in input order (a counting sort).
  g.loaded_ = Loaded(boost::edges_are_unsorted_multi_pass, arcs.begin(), arcs.end(), g.vertex_count_);
  return g;
}

bool ContactGraph::realised(Vertex v) const {
  if (!generated_) return true;
  const auto it = touched_.find(v);
  return it != touched_.end() && it->second.realised;
}

std::size_t ContactGraph::degree(Vertex v) const {
  if (!generated_) return boost::out_degree(v, loaded_);
  const auto it = touched_.find(v);
  return it == touched_.end() ? 0 : it->second.contacts.size();
}

std::vector<std::uint64_t> ContactGraph::degree_counts() const {
  std::vector<std::uint64_t> counts;
  auto count = [&counts](std::size_t d) {
    if (counts.size() <= d) counts.resize(d + 1, 0);
    ++counts[d];
  };
  if (generated_) {
    for (const auto& [v, t] : touched_)
      if (t.realised) count(t.contacts.size());
  } else {
    for (Vertex v = 0; v < vertex_count_; ++v) count(boost::out_degree(v, loaded_));
  }
  return counts;
}

std::uint32_t ContactGraph::draw_degree(sim::RandomStream& rng) const {
  // Continuous Pareto with tail exponent alpha-1 and the minimum that gives the wanted mean,
  // rounded down (at least 1 contact) and capped.
  const double alpha = shape_.exponent;
  const double xmin = shape_.mean_degree * (alpha - 2.0) / (alpha - 1.0);
  const double x = xmin * std::pow(rng.uniform01_open_low(), -1.0 / (alpha - 1.0));
  const double d = std::floor(x + 0.5);
  return static_cast<std::uint32_t>(std::clamp(d, 1.0, static_cast<double>(shape_.max_degree)));
}

std::span<const ContactGraph::Vertex> ContactGraph::contacts(Vertex v, sim::RandomStream& rng) {
  if (!generated_) {
    const auto [b, e] = boost::adjacent_vertices(v, loaded_);
    return {b, e};
  }
  Touched& mine = touched_[v];
  if (mine.realised) return mine.contacts;
  mine.realised = true;
  const std::uint32_t degree = draw_degree(rng);
  int misses = 0;  // a tiny graph may have nobody left to overlap with: then add outsiders
  while (mine.contacts.size() < degree) {
    Vertex u;
    if (misses < 16 && vertex_count_ > 1 && rng.bernoulli(shape_.overlap)) {
      u = static_cast<Vertex>(rng.uniform_int(vertex_count_));
      if (u == v || std::find(mine.contacts.begin(), mine.contacts.end(), u) != mine.contacts.end()) {
        ++misses;
        continue;
      }
    } else {
      u = vertex_count_++;  // a new outsider
    }
    mine.contacts.push_back(u);
    touched_[u].contacts.push_back(v);
  }
  return mine.contacts;
}

}  // namespace mailstorm::models
