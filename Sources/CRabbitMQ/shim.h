#ifndef MAGISTERE_CRABBITMQ_SHIM_H
#define MAGISTERE_CRABBITMQ_SHIM_H

#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <amqp_ssl_socket.h>

/// `amqp_login` is C-variadic and cannot be called from Swift: a fixed-arity wrapper for PLAIN auth.
static inline amqp_rpc_reply_t magistere_amqp_login_plain(amqp_connection_state_t state, const char *vhost,
                                                        int channel_max, int frame_max, int heartbeat,
                                                        const char *user, const char *password) {
    return amqp_login(state, vhost, channel_max, frame_max, heartbeat, AMQP_SASL_METHOD_PLAIN, user, password);
}

/* Method ids and flags are macros with casts, which Swift does not import: typed copies. */
static const uint32_t magistere_connection_close_method = AMQP_CONNECTION_CLOSE_METHOD;
static const uint32_t magistere_channel_close_method = AMQP_CHANNEL_CLOSE_METHOD;
static const uint32_t magistere_channel_close_ok_method = AMQP_CHANNEL_CLOSE_OK_METHOD;
static const uint32_t magistere_basic_ack_method = AMQP_BASIC_ACK_METHOD;
static const uint32_t magistere_basic_nack_method = AMQP_BASIC_NACK_METHOD;
static const uint32_t magistere_basic_return_method = AMQP_BASIC_RETURN_METHOD;
static const uint32_t magistere_basic_cancel_method = AMQP_BASIC_CANCEL_METHOD;
static const uint32_t magistere_basic_get_ok_method = AMQP_BASIC_GET_OK_METHOD;
static const uint32_t magistere_basic_get_empty_method = AMQP_BASIC_GET_EMPTY_METHOD;
static const uint32_t magistere_basic_deliver_method = AMQP_BASIC_DELIVER_METHOD;
static const uint32_t magistere_basic_props_flags =
    AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG |
    AMQP_BASIC_TIMESTAMP_FLAG | AMQP_BASIC_TYPE_FLAG | AMQP_BASIC_APP_ID_FLAG | AMQP_BASIC_HEADERS_FLAG |
    AMQP_BASIC_USER_ID_FLAG;
static const uint32_t magistere_flag_content_type = AMQP_BASIC_CONTENT_TYPE_FLAG;
static const uint32_t magistere_flag_headers = AMQP_BASIC_HEADERS_FLAG;
static const uint32_t magistere_flag_message_id = AMQP_BASIC_MESSAGE_ID_FLAG;
static const uint32_t magistere_flag_timestamp = AMQP_BASIC_TIMESTAMP_FLAG;
static const uint32_t magistere_flag_type = AMQP_BASIC_TYPE_FLAG;
static const uint32_t magistere_flag_app_id = AMQP_BASIC_APP_ID_FLAG;
static const uint32_t magistere_flag_user_id = AMQP_BASIC_USER_ID_FLAG;
static const uint8_t magistere_frame_method = AMQP_FRAME_METHOD;
static const int magistere_reply_success = AMQP_REPLY_SUCCESS;
static const int magistere_precondition_failed = AMQP_PRECONDITION_FAILED;
static const int magistere_resource_locked = AMQP_RESOURCE_LOCKED;

#endif
