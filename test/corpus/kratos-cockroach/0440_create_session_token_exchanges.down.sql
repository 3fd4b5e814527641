DROP TABLE session_token_exchanges;
