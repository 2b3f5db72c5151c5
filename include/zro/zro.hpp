// zro — shared live objects over ZeroMQ.
#pragma once
/// \file
/// The whole public API in one include (every header of include/zro/ but zro/detail/).

#include <zro/connection.hpp>
#include <zro/convert.hpp>
#include <zro/discovery.hpp>
#include <zro/dynamic_replica.hpp>
#include <zro/dynamic_source.hpp>
#include <zro/error.hpp>
#include <zro/external_type.hpp>
#include <zro/host.hpp>
#include <zro/item_model.hpp>
#include <zro/list_model.hpp>
#include <zro/log.hpp>
#include <zro/model_replica.hpp>
#include <zro/node.hpp>
#include <zro/options.hpp>
#include <zro/pending_reply.hpp>
#include <zro/persisted_store.hpp>
#include <zro/replica.hpp>
#include <zro/replica_status.hpp>
#include <zro/schema.hpp>
#include <zro/security.hpp>
#include <zro/source.hpp>
#include <zro/standard_item_model.hpp>
#include <zro/type.hpp>
#include <zro/value.hpp>
