// The recurrent cells' bindings (addon_cells.cc), exported by addon.cc's table.
#pragma once

#include <node_api.h>

namespace lstm {

napi_value GruGatesForward(napi_env env, napi_callback_info info);
napi_value GruCandidateForward(napi_env env, napi_callback_info info);
napi_value GruCandidateBackward(napi_env env, napi_callback_info info);
napi_value GruGatesBackward(napi_env env, napi_callback_info info);
napi_value GruStateBackward(napi_env env, napi_callback_info info);
napi_value RnnCellForward(napi_env env, napi_callback_info info);
napi_value RnnCellBackward(napi_env env, napi_callback_info info);
napi_value GruLayerForward(napi_env env, napi_callback_info info);
napi_value LstmOptionsLayerForward(napi_env env, napi_callback_info info);
napi_value LstmOptionsLayerBackward(napi_env env, napi_callback_info info);
napi_value RnnLayerForward(napi_env env, napi_callback_info info);
napi_value LstmCellOptionsForward(napi_env env, napi_callback_info info);
napi_value LstmCellOptionsBackward(napi_env env, napi_callback_info info);

}  // namespace lstm
