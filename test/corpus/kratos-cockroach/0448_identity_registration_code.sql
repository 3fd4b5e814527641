CREATE TABLE identity_registration_codes
(
    id UUID NOT NULL PRIMARY KEY,
    code VARCHAR(64) NOT NULL, -- HMACed value of the actual code
    address VARCHAR(255) NOT NULL,
    address_type CHAR(36) NOT NULL,
    used_at timestamp NULL DEFAULT NULL,
    expires_at timestamp NOT NULL DEFAULT '2000-01-01 00:00:00',
    issued_at timestamp NOT NULL DEFAULT '2000-01-01 00:00:00',
    selfservice_registration_flow_id UUID NOT NULL,
    created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
    nid UUID NOT NULL,
    CONSTRAINT identity_registration_codes_selfservice_registration_flows_id_fk
        FOREIGN KEY (selfservice_registration_flow_id)
        REFERENCES selfservice_registration_flows (id)
        ON DELETE cascade,
    CONSTRAINT identity_registration_codes_networks_id_fk
        FOREIGN KEY (nid)
        REFERENCES networks (id)
        ON UPDATE RESTRICT ON DELETE CASCADE
);

CREATE INDEX identity_registration_codes_nid_flow_id_idx ON identity_registration_codes (nid, selfservice_registration_flow_id);
CREATE INDEX identity_registration_codes_id_nid_idx ON identity_registration_codes (id, nid);

ALTER TABLE selfservice_registration_flows ADD submit_count int NOT NULL DEFAULT 0;
