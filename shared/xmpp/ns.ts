/* Every XML namespace xiot speaks, in one place.
 * References: RFC 6120 §8.3 (stanza errors), XEP-0004, XEP-0030, XEP-0059, XEP-0060, XEP-0203. */

export const NS_CLIENT = "jabber:client";
export const NS_COMPONENT = "jabber:component:accept";
export const NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";

export const NS_DISCO_INFO = "http://jabber.org/protocol/disco#info";
export const NS_DISCO_ITEMS = "http://jabber.org/protocol/disco#items";
export const NS_DATA = "jabber:x:data";
export const NS_RSM = "http://jabber.org/protocol/rsm";
export const NS_DELAY = "urn:xmpp:delay";
export const NS_SHIM = "http://jabber.org/protocol/shim";

export const NS_PUBSUB = "http://jabber.org/protocol/pubsub";
export const NS_PUBSUB_OWNER = "http://jabber.org/protocol/pubsub#owner";
export const NS_PUBSUB_EVENT = "http://jabber.org/protocol/pubsub#event";
export const NS_PUBSUB_ERRORS = "http://jabber.org/protocol/pubsub#errors";
/** Prefix of the pubsub feature names advertised in disco#info (XEP-0060 §10). */
export const NS_PUBSUB_FEATURE = "http://jabber.org/protocol/pubsub#";
/** FORM_TYPE values (XEP-0060 §16). */
export const NS_PUBSUB_NODE_CONFIG = "http://jabber.org/protocol/pubsub#node_config";
export const NS_PUBSUB_META_DATA = "http://jabber.org/protocol/pubsub#meta-data";
export const NS_PUBSUB_SUBSCRIBE_OPTIONS = "http://jabber.org/protocol/pubsub#subscribe_options";
export const NS_PUBSUB_SUBSCRIBE_AUTHORIZATION = "http://jabber.org/protocol/pubsub#subscribe_authorization";
export const NS_PUBSUB_PUBLISH_OPTIONS = "http://jabber.org/protocol/pubsub#publish-options";

export const NS_READINGS = "urn:xiot:readings:0";

// Device agent (XEP-0202, XEP-0280, XEP-0297, XEP-0323, XEP-0325 and xiot's own payloads).
export const NS_TIME = "urn:xmpp:time";
export const NS_CARBONS = "urn:xmpp:carbons:2";
export const NS_FORWARD = "urn:xmpp:forward:0";
/** XEP-0184 Message Delivery Receipts and XEP-0333 Displayed Markers, on chat commands. */
export const NS_RECEIPTS = "urn:xmpp:receipts";
export const NS_CHAT_MARKERS = "urn:xmpp:chat-markers:0";
export const NS_IOT_SENSORDATA = "urn:xmpp:iot:sensordata";
export const NS_IOT_CONTROL = "urn:xmpp:iot:control";
export const NS_XIOT_COMMAND = "urn:xiot:command:0";
export const NS_XIOT_META = "urn:xiot:meta:0";
export const NS_XIOT_STATE = "urn:xiot:state:0";
/** Telemetry history queries (docs/history.md). */
export const NS_XIOT_HISTORY = "urn:xiot:history:0";
/** Marks a device's chat reply, so that devices never answer each other's replies. */
export const NS_XIOT_CHAT_REPLY = "urn:xiot:chat-reply:0";

// Provisioning and availability (docs/provisioning.md).
/** Device registry IQs: register, claim, mine, unregister, disown, devices, canRead/canControl. */
export const NS_XIOT_PROVISIONING = "urn:xiot:provisioning:0";
/** The item the hub publishes to devices/<id>/availability. */
export const NS_XIOT_AVAILABILITY = "urn:xiot:availability:0";
/** FORM_TYPE of the hub's ad-hoc command forms. */
export const NS_XIOT_PROVISIONING_FORM = "urn:xiot:provisioning:form:0";
export const NS_PING = "urn:xmpp:ping";

// Actuator control through the hub (hub/control).
/** FORM_TYPE of the hub's control and status command forms. */
export const NS_XIOT_CONTROL_FORM = "urn:xiot:control:form:0";
/** XEP-0050 command nodes: "Control a device" and "Device status". */
export const CMD_CONTROL = "urn:xiot:control:set";
export const CMD_STATUS = "urn:xiot:control:status";

// Streams, SASL, stream management, registration and ad-hoc commands (RFC 6120, XEP-0198,
// XEP-0077, XEP-0379, XEP-0050).
export const NS_STREAMS = "http://etherx.jabber.org/streams";
export const NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
export const NS_SM = "urn:xmpp:sm:3";
export const NS_REGISTER = "jabber:iq:register";
export const NS_PARS = "urn:xmpp:pars:0";
export const NS_COMMANDS = "http://jabber.org/protocol/commands";
